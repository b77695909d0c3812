/**
 * `.env` and `env_file` parsing with docker compose's rules: `export` prefixes, `KEY=VAL` and
 * `KEY: VAL`, inline ` #` comments in unquoted values, multi-line quoted values, escapes in
 * double quotes only, literal single quotes, and interpolation of unquoted and double-quoted
 * values against the lookup first and earlier keys of the same file second.
 */
import { substitute, TemplateError, type Lookup } from "./interpolate.js";

/** A problem in an env file, with the 1-based line it was found on. */
export class DotenvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export interface UnsetRead {
  name: string;
  line: number;
}

export interface DotenvResult {
  values: Record<string, string>;
  /** Variables read while unset, with the line reading them, for the unset-variable warning. */
  unset: UnsetRead[];
}

interface Cursor {
  src: string;
  pos: number;
  line: number;
}

const SPACE = new Set(["\t", "\v", "\f", "\r", " ", "\u0085", "\u00a0"]);

/** Parses env-file text. A bare `KEY` takes its value from `lookup`, or is dropped. */
export function parseDotenv(text: string, lookup: Lookup = () => undefined): DotenvResult {
  const cur: Cursor = { src: text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n"), pos: 0, line: 1 };
  const values: Record<string, string> = {};
  const unset: UnsetRead[] = [];
  const resolve: Lookup = (k) => lookup(k) ?? (k in values ? values[k] : undefined);
  while (skipToStatement(cur)) {
    const { key, inherited } = readKey(cur);
    if (inherited) {
      const v = lookup(key);
      if (v !== undefined) values[key] = v;
      continue;
    }
    values[key] = readValue(cur, resolve, unset);
  }
  return { values, unset };
}

/** Skips blank space and comment lines; false at the end of the text. */
function skipToStatement(cur: Cursor): boolean {
  for (;;) {
    while (cur.pos < cur.src.length && /\s/.test(cur.src[cur.pos] as string)) {
      if (cur.src[cur.pos] === "\n") cur.line += 1;
      cur.pos += 1;
    }
    if (cur.pos >= cur.src.length) return false;
    if (cur.src[cur.pos] !== "#") return true;
    const nl = cur.src.indexOf("\n", cur.pos);
    if (nl < 0) return false;
    cur.pos = nl;
  }
}

function readKey(cur: Cursor): { key: string; inherited: boolean } {
  const exported = /^export\s+/.exec(cur.src.slice(cur.pos, cur.pos + 16));
  if (exported) cur.pos += exported[0].length;
  const start = cur.pos;
  for (; cur.pos < cur.src.length; cur.pos++) {
    const ch = cur.src[cur.pos] as string;
    if (ch === "=" || ch === ":" || ch === "\n") return finishKey(cur, start, ch === "\n");
    if (SPACE.has(ch) || /[\p{L}\p{N}_.\-[\]]/u.test(ch)) continue;
    const lineText = cur.src.slice(start).split("\n")[0];
    throw new DotenvError(cur.line, `unexpected character "${ch}" in variable name "${lineText}"`);
  }
  return finishKey(cur, start, true);
}

function finishKey(
  cur: Cursor,
  start: number,
  inherited: boolean,
): { key: string; inherited: boolean } {
  const key = cur.src.slice(start, cur.pos).trimEnd();
  if (key.includes(" ")) throw new DotenvError(cur.line, "a variable name cannot contain a space");
  if (key === "") throw new DotenvError(cur.line, "a line has a value but no variable name");
  if (inherited) cur.line += 1;
  cur.pos += 1;
  while (cur.pos < cur.src.length && SPACE.has(cur.src[cur.pos] as string)) cur.pos += 1;
  return { key, inherited };
}

function readValue(cur: Cursor, lookup: Lookup, unset: UnsetRead[]): string {
  const quote = cur.src[cur.pos];
  if (quote === '"' || quote === "'") return readQuoted(cur, quote, lookup, unset);
  let end = cur.src.indexOf("\n", cur.pos);
  if (end < 0) end = cur.src.length;
  let raw = cur.src.slice(cur.pos, end);
  cur.pos = end;
  const comment = raw.indexOf(" #");
  if (comment >= 0) raw = raw.slice(0, comment);
  return expand(raw.trimEnd(), lookup, unset, cur.line);
}

function readQuoted(cur: Cursor, quote: string, lookup: Lookup, unset: UnsetRead[]): string {
  const startLine = cur.line;
  let chars = "";
  let escaped = false;
  for (let i = cur.pos + 1; i < cur.src.length; i++) {
    const ch = cur.src[i] as string;
    if (ch === "\n") cur.line += 1;
    if (ch !== quote || escaped) {
      if (!escaped && ch === "\\") {
        escaped = true;
        continue;
      }
      chars += escaped && ch !== quote ? `\\${ch}` : ch;
      escaped = false;
      continue;
    }
    cur.pos = i + 1;
    return quote === '"' ? expand(unescape(chars), lookup, unset, startLine) : chars;
  }
  const firstLine = cur.src.slice(cur.pos).split("\n")[0];
  throw new DotenvError(startLine, `unterminated quoted value ${firstLine}`);
}

const ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  c: "\\c",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  '"': '"',
  "\\": "\\",
  $: "$$",
};

/** Double-quote escapes; `\$` stays an escaped dollar so interpolation leaves it literal. */
function unescape(s: string): string {
  return s.replace(/\\(?:([abcfnrtv$"\\])|0([0-7]{0,3}))/g, (_m, c: string | undefined, oct) =>
    c !== undefined ? (ESCAPES[c] ?? c) : String.fromCharCode(parseInt(oct || "0", 8)),
  );
}

function expand(value: string, lookup: Lookup, unset: UnsetRead[], line: number): string {
  try {
    const r = substitute(value, lookup);
    unset.push(...r.unset.map((name) => ({ name, line })));
    return r.value;
  } catch (error) {
    if (error instanceof TemplateError) throw new DotenvError(line, error.message);
    throw error;
  }
}
