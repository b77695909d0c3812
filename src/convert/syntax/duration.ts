/**
 * Compose durations: Go's time.ParseDuration units plus `d` and `w`, in compounds such as
 * `1m30s`. A bare number is only accepted when it is 0, as in compose-go.
 */
const UNITS: Record<string, number> = {
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

/** Milliseconds in a duration such as "1m30s", or undefined when it cannot be read. */
export function parseDuration(raw: string | number): number | undefined {
  if (typeof raw === "number") return raw === 0 ? 0 : undefined;
  const s = raw.trim();
  if (s === "0") return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d|w)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (UNITS[m[2] as string] as number);
    pos = re.lastIndex;
  }
  return pos === s.length && pos > 0 ? Math.round(total) : undefined;
}
