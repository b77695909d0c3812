import type { Ctx } from "./context.js";
import type { Segment } from "./source.js";

/**
 * A value that is text to the app (env values, build args, app_version), as written: YAML reads
 * `1.50` as the number 1.5, but the user meant the characters they typed.
 */
export function scalarText(ctx: Ctx, value: unknown, path: Segment[]): string {
  if (typeof value !== "number") return String(value);
  const raw = ctx.source.rawText(path);
  return raw !== undefined && !/^["']/.test(raw) ? raw : String(value);
}
