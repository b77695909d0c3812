/**
 * Compose durations: Go's time.ParseDuration units plus `d` and `w`, in compounds such as
 * `1m30s`. The recipe's parser reads the same units; unlike a recipe, Compose (through
 * str2duration) rejects a bare number other than 0, so this refuses one.
 */
import { parseDuration as parseRecipeDuration } from "../../appcipe/duration.js";

/** Milliseconds in a duration such as "1m30s", or undefined when Compose would reject it. */
export function parseDuration(raw: string | number): number | undefined {
  const text = String(raw).trim();
  if (text === "0") return 0;
  if (typeof raw === "number" || /^\d+(\.\d+)?$/.test(text)) return undefined;
  return parseRecipeDuration(text);
}
