import { lstatSync, readdirSync, statSync } from "node:fs";
import { join, posix, sep } from "node:path";
import type { BakedFile } from "./types.js";
import { child, fail, isObj, isStr, type Ctx, type Obj } from "./context.js";
import type { Segment } from "./source.js";
import { containerPath } from "./names.js";
import { existingBuildPath } from "./build-path.js";
import { readMode } from "./mounts.js";
import { DEFAULT_FILE_MODE } from "./defaults.js";

/**
 * `files:`: build-machine files or inline text, placed into the service's root filesystem.
 * A directory as `source` stands for every file under it, each baked at the same relative path.
 */
export function normalizeFiles(ctx: Ctx, value: unknown, path: Segment[]): BakedFile[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry, i) => (isObj(entry) ? bakedFiles(ctx, entry, child(path, i)) : []));
}

interface Owner {
  mode?: number;
  uid: number;
  gid: number;
}

function bakedFiles(ctx: Ctx, entry: Obj, path: Segment[]): BakedFile[] {
  const target = isStr(entry.target)
    ? containerPath(ctx, entry.target, child(path, "target"), "the file's target")
    : undefined;
  const body = fileBody(ctx, entry, path);
  const mode = readMode(ctx, entry.mode, child(path, "mode"));
  const owner: Owner = {
    ...(mode !== undefined ? { mode } : {}),
    uid: typeof entry.uid === "number" ? entry.uid : 0,
    gid: typeof entry.gid === "number" ? entry.gid : 0,
  };
  if (target === undefined || body === undefined) return [];
  if ("source" in body && statSync(body.source).isDirectory()) {
    return expandDirectory(ctx, body.source, target, owner, path);
  }
  return [{ ...body, target, ...owner, mode: owner.mode ?? DEFAULT_FILE_MODE }];
}

/**
 * Every regular file under `dir`, sorted; each keeps its own permission bits unless `mode` is given.
 * TODO(limitation): empty directories are not recreated and symbolic links are refused.
 */
function expandDirectory(
  ctx: Ctx,
  dir: string,
  target: string,
  owner: Owner,
  path: Segment[],
): BakedFile[] {
  const files: BakedFile[] = [];
  let entries: string[];
  try {
    entries = (readdirSync(dir, { recursive: true }) as string[]).sort();
  } catch (error) {
    ctx.problems.error({
      code: "recipe/unreadable-directory",
      path: child(path, "source"),
      message: `the baked directory cannot be read: ${(error as Error).message}`,
      fix: "make everything under it readable, or point `source` at a smaller directory",
    });
    return [];
  }
  for (const rel of entries) {
    const source = join(dir, rel);
    const stat = lstatSync(source);
    if (stat.isDirectory()) continue;
    if (!stat.isFile()) {
      ctx.problems.error({
        code: "recipe/unbakeable-file",
        path: child(path, "source"),
        message: `\`${rel}\` in the baked directory is ${stat.isSymbolicLink() ? "a symbolic link" : "not a regular file"}`,
        fix: "replace it with a regular file, or move it out of the directory",
      });
      continue;
    }
    const mode = owner.mode ?? stat.mode & 0o7777;
    files.push({
      source,
      target: posix.join(target, ...rel.split(sep)),
      mode,
      uid: owner.uid,
      gid: owner.gid,
    });
  }
  if (files.length === 0) {
    ctx.problems.warn({
      code: "recipe/empty-directory",
      path: child(path, "source"),
      message: "the directory holds no files, so nothing is baked",
      fix: "add files to it, or remove this entry",
    });
  }
  return files;
}

function fileBody(
  ctx: Ctx,
  entry: Obj,
  path: Segment[],
): { source: string } | { content: string } | undefined {
  if (isStr(entry.source) && isStr(entry.content)) {
    return fail(ctx, {
      code: "recipe/conflicting-keys",
      path: child(path, "content"),
      atKey: true,
      message: "the file has both `source` and `content`",
      fix: "keep one of them",
    });
  }
  if (isStr(entry.content)) return { content: entry.content };
  if (!isStr(entry.source)) {
    return fail(ctx, {
      code: "recipe/missing-key",
      path,
      message: "the file has neither `source` nor `content`",
      fix: "add `source: ./path/on/the/build/machine` or `content: |` with the text",
    });
  }
  const source = existingBuildPath(ctx, entry.source, child(path, "source"), {
    what: "the file or directory to bake",
    fix: "correct the path; relative paths start at the recipe's directory",
  });
  return source === undefined ? undefined : { source };
}
