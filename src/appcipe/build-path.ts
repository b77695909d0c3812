import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fail, type Ctx } from "./context.js";
import type { Segment } from "./source.js";

/** A path on the build machine: `~/` is the builder's home, relative means the recipe's directory. */
export function resolveBuildPath(ctx: Ctx, value: string): string {
  if (value === "~" || value.startsWith("~/")) return join(homedir(), value.slice(1));
  return isAbsolute(value) ? resolve(value) : resolve(ctx.dir, value);
}

/** Resolves a build-machine path and reports it when nothing, or the wrong kind, is there. */
export function existingBuildPath(
  ctx: Ctx,
  value: string,
  path: Segment[],
  options: { what: string; kind?: "file" | "directory"; fix: string },
): string | undefined {
  const absolute = resolveBuildPath(ctx, value);
  if (!existsSync(absolute)) {
    return fail(ctx, {
      code: "recipe/missing-path",
      path,
      message: `${options.what} \`${value}\` does not exist (looked at ${absolute})`,
      fix: options.fix,
    });
  }
  const isDir = statSync(absolute).isDirectory();
  if (options.kind && isDir !== (options.kind === "directory")) {
    return fail(ctx, {
      code: "recipe/wrong-path-kind",
      path,
      message: `${options.what} \`${value}\` is a ${isDir ? "directory" : "file"}, not a ${options.kind}`,
      fix: `point it at a ${options.kind}`,
    });
  }
  return absolute;
}
