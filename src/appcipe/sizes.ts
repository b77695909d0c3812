/** Byte sizes as Compose writes them: a number of bytes, or `64m`, `1g`, `512kb`... */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)b?$/i.exec(value.trim());
  if (!m) return undefined;
  const unit =
    { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? "").toLowerCase()] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

/**
 * A file mode, always read as octal: "0644", "644", or an unquoted 0644 or 1777, which YAML 1.2
 * would read as decimal, so the digits as written are used.
 */
export function parseMode(value: string | number, rawText: string | undefined): number | undefined {
  const text = typeof value === "string" ? value : (rawText ?? String(value));
  const digits = text.replace(/^0o/, "");
  if (!/^[0-7]{1,4}$/.test(digits)) return undefined;
  return parseInt(digits, 8);
}

/** The shortest exact text for a byte size: 67108864 -> "64m". */
export function formatSize(bytes: number): string | number {
  const units: [string, number][] = [
    ["g", 1024 ** 3],
    ["m", 1024 ** 2],
    ["k", 1024],
  ];
  const unit = units.find(([, size]) => bytes > 0 && bytes % size === 0);
  return unit ? `${bytes / unit[1]}${unit[0]}` : bytes;
}
