import type { BakedFile } from "./types.js";
import { child, fail, isObj, isStr, type Ctx, type Obj } from "./context.js";
import type { Segment } from "./source.js";
import { containerPath } from "./names.js";
import { existingBuildPath } from "./build-path.js";
import { readMode } from "./mounts.js";
import { DEFAULT_FILE_MODE } from "./defaults.js";

/** `files:`: build-machine files or inline text, placed into the service's root filesystem. */
export function normalizeFiles(ctx: Ctx, value: unknown, path: Segment[]): BakedFile[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry, i) => {
    const file = isObj(entry) ? bakedFile(ctx, entry, child(path, i)) : undefined;
    return file ? [file] : [];
  });
}

function bakedFile(ctx: Ctx, entry: Obj, path: Segment[]): BakedFile | undefined {
  const target = isStr(entry.target)
    ? containerPath(ctx, entry.target, child(path, "target"), "the file's target")
    : undefined;
  const body = fileBody(ctx, entry, path);
  const mode = readMode(ctx, entry.mode, child(path, "mode")) ?? DEFAULT_FILE_MODE;
  const uid = typeof entry.uid === "number" ? entry.uid : 0;
  const gid = typeof entry.gid === "number" ? entry.gid : 0;
  if (target === undefined || body === undefined) return undefined;
  return { ...body, target, mode, uid, gid };
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
  // TODO(limitation): a baked directory is not expanded into its files yet; list each file.
  const source = existingBuildPath(ctx, entry.source, child(path, "source"), {
    what: "the file to bake",
    kind: "file",
    fix: "correct the path; relative paths start at the recipe's directory",
  });
  return source === undefined ? undefined : { source };
}
