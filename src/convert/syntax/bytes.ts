/** Compose byte sizes: a number, or a number with b, k/kb, m/mb, g/gb (powers of 1024). */
const FACTORS: Record<string, number> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function parseBytes(raw: string | number): number | undefined {
  if (typeof raw === "number") return raw >= 0 ? Math.floor(raw) : undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg])?b?$/i.exec(raw.trim());
  if (!m) return undefined;
  const factor = FACTORS[(m[2] ?? "b").toLowerCase()] as number;
  return Math.floor(Number(m[1]) * factor);
}
