import type { Problems, ProblemInput } from "./problems.js";
import type { Segment, SourceFile } from "./source.js";

/** What every normalizing step needs: where problems go and where relative paths resolve. */
export interface Ctx {
  problems: Problems;
  source: SourceFile;
  /** The recipe's directory on the build machine, absolute. */
  dir: string;
}

/** Reports an error and returns undefined, so a step can `return fail(...)`. */
export function fail(ctx: Ctx, input: ProblemInput): undefined {
  ctx.problems.error(input);
  return undefined;
}

export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isStr(value: unknown): value is string {
  return typeof value === "string";
}

/** Keys of a mapping without the `x-` notes, which the recipe ignores. */
export function entries(value: unknown): [string, unknown][] {
  return isObj(value) ? Object.entries(value).filter(([k]) => !k.startsWith("x-")) : [];
}

export function child(path: Segment[], ...more: Segment[]): Segment[] {
  return [...path, ...more];
}
