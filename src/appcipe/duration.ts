/**
 * Durations as Compose writes them: Go's `time.ParseDuration` units plus `d` and `w`,
 * compounds like `1m30s`, and a bare number meaning seconds (the seed's recipes use it).
 */

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const part = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/y;

/** Milliseconds for a duration, or undefined when the text is not a duration. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === "number") return value >= 0 ? Math.round(value * 1000) : undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (text === "0") return 0;
  return parseCompound(text);
}

function parseCompound(text: string): number | undefined {
  if (text === "") return undefined;
  let total = 0;
  part.lastIndex = 0;
  while (part.lastIndex < text.length) {
    const m = part.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * (unitMs[m[2] as string] as number);
  }
  return Math.round(total);
}

/** The shortest exact Go-style text for a number of milliseconds, e.g. 90000 -> "1m30s". */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const units: [string, number][] = [
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
    ["ms", 1],
  ];
  let rest = ms;
  let out = "";
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${name}`;
    rest -= n * size;
  }
  return out;
}
