import type { Problems } from "./problems.js";
import type { Segment } from "./source.js";

/**
 * Refuses NUL bytes in every value and key. The kernel ends program arguments, environment
 * strings and paths at the first NUL, so no recipe value can carry one; caught here, the
 * mistake is located in the file instead of breaking the built app's manifest at run time.
 */
export function checkNulBytes(data: unknown, problems: Problems, path: Segment[] = []): void {
  if (typeof data === "string") {
    if (data.includes("\u0000")) report(problems, path);
    return;
  }
  if (Array.isArray(data)) {
    data.forEach((item, i) => checkNulBytes(item, problems, [...path, i]));
    return;
  }
  if (data === null || typeof data !== "object") return;
  for (const [key, value] of Object.entries(data)) {
    if (key.includes("\u0000")) report(problems, [...path, key]);
    else checkNulBytes(value, problems, [...path, key]);
  }
}

function report(problems: Problems, path: Segment[]): void {
  problems.error({
    code: "recipe/nul-byte",
    path,
    message:
      "the value holds a NUL byte, which no program argument, environment value or path can carry",
    fix: "remove the \\0 (or \\x00) escape from the value",
  });
}
