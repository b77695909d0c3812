/**
 * A small mutation engine for YAML inputs, driven by a seeded PRNG so that a failing input can
 * be made again from its seed and iteration. It edits bytes (NULs, invalid UTF-8), YAML
 * structure (anchors, aliases, tags, merge keys, flow brackets, indentation) and values
 * (huge, negative, empty, wrong type). No value is "/": a recipe that bakes the build
 * machine's whole file system is legal and takes as long as reading it.
 */

/** mulberry32: tiny, fast, and the same sequence on every platform for a given seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

type Next = () => number;

function pick<T>(list: readonly T[], next: Next): T {
  return list[Math.floor(next() * list.length)] as T;
}

const SYNTAX = [
  ":",
  "- ",
  "? ",
  "{",
  "}",
  "[",
  "]",
  ",",
  "&a ",
  "*a",
  "<<: *a",
  "!!str ",
  "!!int ",
  "!!map ",
  "!!binary ",
  "!reset ",
  "!override ",
  "!custom ",
  "|",
  ">-",
  "'",
  '"',
  "#",
  "---\n",
  "...\n",
  "%YAML 1.1\n",
  "%TAG ! tag:x,2000:\n",
  "\t",
  "\n",
  "  ",
  "\r",
  "\ufeff",
  "\\",
  "\\u0000",
] as const;

const VALUES = [
  "",
  "~",
  "null",
  "true",
  "no",
  "on",
  "0",
  "-1",
  "0x7fffffff",
  "0o777",
  "1e999",
  "-1e999",
  ".nan",
  ".inf",
  "9".repeat(400),
  "a".repeat(5000),
  "[]",
  "{}",
  "[1, [2, [3]]]",
  "{a: {b: c}}",
  "${X}",
  "${X:?must be set}",
  "${X:-${Y:-${Z}}}",
  "$$",
  "${",
  "'unterminated",
  '"\\x"',
  "0:0",
  "65536:80",
  "1-65536:1-2",
  "/-",
  "../../..",
  "/etc/passwd",
  "\u0000",
  "\u202e",
  "😀",
] as const;

/** Bytes a text editor would never write: NUL, lone continuation bytes, overlong forms. */
const BYTES = [[0x00], [0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0x80], [0xfe, 0xff]] as const;

function insert(data: Buffer, at: number, piece: Buffer): Buffer {
  return Buffer.concat([data.subarray(0, at), piece, data.subarray(at)]);
}

function lineStarts(data: Buffer): number[] {
  const starts = [0];
  for (let i = 0; i < data.length; i++) if (data[i] === 0x0a) starts.push(i + 1);
  return starts;
}

/** Replaces the value after the first ": " of a random line. */
function replaceValue(data: Buffer, next: Next): Buffer {
  const starts = lineStarts(data);
  const from = pick(starts, next);
  const end = data.indexOf(0x0a, from);
  const line = data.subarray(from, end < 0 ? data.length : end).toString("latin1");
  const colon = line.indexOf(": ");
  if (colon < 0) return data;
  const edited = Buffer.from(line.slice(0, colon + 2) + pick(VALUES, next), "utf8");
  return Buffer.concat([
    data.subarray(0, from),
    edited,
    data.subarray(end < 0 ? data.length : end),
  ]);
}

/** Copies a random line to a random place, keeping or changing its indentation. */
function moveLine(data: Buffer, next: Next): Buffer {
  const starts = lineStarts(data);
  const from = pick(starts, next);
  const end = data.indexOf(0x0a, from);
  const line = data.subarray(from, end < 0 ? data.length : end + 1);
  const indent = next() < 0.5 ? Buffer.alloc(0) : Buffer.from(" ".repeat(Math.floor(next() * 8)));
  return insert(data, pick(starts, next), Buffer.concat([indent, line]));
}

const MUTATIONS: ((data: Buffer, next: Next) => Buffer)[] = [
  (d, n) => insert(d, Math.floor(n() * (d.length + 1)), Buffer.from(pick(SYNTAX, n))),
  (d, n) => insert(d, Math.floor(n() * (d.length + 1)), Buffer.from(pick(BYTES, n))),
  (d, n) => {
    const at = Math.floor(n() * d.length);
    return Buffer.concat([d.subarray(0, at), d.subarray(at + 1 + Math.floor(n() * 16))]);
  },
  (d, n) => d.subarray(0, Math.floor(n() * (d.length + 1))),
  replaceValue,
  replaceValue,
  moveLine,
];

/** One to four mutations of data. */
export function mutate(data: Buffer, next: Next): Buffer {
  let out = data;
  const count = 1 + Math.floor(next() * 4);
  for (let i = 0; i < count; i++) out = pick(MUTATIONS, next)(out, next);
  return out;
}
