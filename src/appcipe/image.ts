import { existsSync, statSync } from "node:fs";
import type { ImageFormat, ImageSource, Platform } from "./types.js";
import { child, entries, fail, isObj, isStr, type Ctx, type Obj } from "./context.js";
import type { Segment } from "./source.js";
import { existingBuildPath, resolveBuildPath } from "./build-path.js";
import { parseRef } from "./image-ref.js";
import { scalarText } from "./scalar-text.js";
import { PLATFORM_NAMES, parseFormat, parsePlatform } from "./platform.js";

/** A service's `image:`, short string or full form, as an ImageSource. */
export function normalizeImage(ctx: Ctx, value: unknown, path: Segment[]): ImageSource | undefined {
  if (isStr(value)) return shortImage(ctx, value, path);
  if (isObj(value)) return fullImage(ctx, value, path);
  return undefined;
}

/**
 * A short string is a path when it starts with `.`, `/` or `~`, ends in `.tar`, `.tgz` or
 * `.tar.gz`, or names something that exists next to the recipe; otherwise a registry reference.
 */
function shortImage(ctx: Ctx, value: string, path: Segment[]): ImageSource | undefined {
  if (looksLikePath(ctx, value)) return tarImage(ctx, value, "auto", undefined, path);
  const ref = pinnedRef(ctx, value, path);
  return ref === undefined ? undefined : { source: "image", ref };
}

function looksLikePath(ctx: Ctx, value: string): boolean {
  if (/^[./~]/.test(value) || /\.(tar|tgz|tar\.gz)$/.test(value)) return true;
  return !value.includes("@") && existsSync(resolveBuildPath(ctx, value));
}

function tarImage(
  ctx: Ctx,
  file: string,
  format: ImageFormat,
  platform: Platform | undefined,
  path: Segment[],
): ImageSource | undefined {
  const absolute = existingBuildPath(ctx, file, path, {
    what: "the image archive",
    fix: "export the image there (`docker save -o FILE IMAGE`), or correct the path; relative paths start at the recipe's directory",
  });
  if (absolute === undefined) return undefined;
  const isDir = statSync(absolute).isDirectory();
  if (isDir && format !== "auto" && format !== "oci-layout") {
    return fail(ctx, {
      code: "recipe/wrong-path-kind",
      path,
      message: `\`${file}\` is a directory, but format ${format} is an archive file`,
      fix: "write `format: oci-layout`, or point `file` at the archive",
    });
  }
  return { source: "tar", file: absolute, format, ...(platform ? { platform } : {}) };
}

/** A registry reference that names one image for good: a tag other than `latest`, or a digest. */
export function pinnedRef(ctx: Ctx, ref: string, path: Segment[]): string | undefined {
  const parsed = parseRef(ref);
  if (typeof parsed === "string") {
    return fail(ctx, {
      code: "recipe/bad-image-ref",
      path,
      message: `\`${ref}\` is neither an existing path nor a valid image reference: ${parsed}`,
      fix: "write a reference like `redis:7.2-alpine` or a path like `./images/app.tar`",
    });
  }
  if (parsed.tag === undefined && parsed.digest === undefined) {
    return fail(ctx, {
      code: "recipe/unpinned-image",
      path,
      message: `image \`${ref}\` has no tag or digest, so every build could get a different image`,
      fix: `pin it: \`${ref}:<version>\` (a tag) or \`${ref}@sha256:<digest>\``,
    });
  }
  if (parsed.tag === "latest" && parsed.digest === undefined) {
    return fail(ctx, {
      code: "recipe/unpinned-image",
      path,
      message: `image \`${ref}\` uses the tag \`latest\`, which changes whenever a new version is pushed`,
      fix: `replace \`latest\` with a version tag, e.g. \`${parsed.name}:1.2.3\`, or add a digest`,
    });
  }
  return ref;
}

/** Which keys each source takes; the rest are reported, not ignored. */
const keysBySource: Record<ImageSource["source"], string[]> = {
  tar: ["source", "file", "format", "platform"],
  image: ["source", "ref", "file", "platform"],
  docker: ["source", "ref", "platform"],
  dockerfile: ["source", "context", "file", "build_args", "target", "platform"],
};

function inferSource(value: Obj): ImageSource["source"] {
  if (isStr(value.source)) return value.source as ImageSource["source"];
  if (value.ref !== undefined) return "image";
  return value.context !== undefined || value.build_args !== undefined ? "dockerfile" : "tar";
}

function fullImage(ctx: Ctx, value: Obj, path: Segment[]): ImageSource | undefined {
  const source = inferSource(value);
  const allowed = keysBySource[source];
  if (!allowed) return undefined;
  for (const [key] of entries(value)) {
    if (!allowed.includes(key) && !ctx.problems.hasErrorAt(child(path, key))) {
      fail(ctx, {
        code: "recipe/key-not-for-source",
        path: child(path, key),
        atKey: true,
        message: `\`${key}\` does not apply to \`source: ${source}\``,
        fix: `remove \`${key}\`; \`source: ${source}\` takes ${allowed.join(", ")}`,
      });
    }
  }
  const platform = readPlatform(ctx, value.platform, child(path, "platform"));
  return fullBySource[source](ctx, value, path, platform);
}

type FullReader = (
  ctx: Ctx,
  value: Obj,
  path: Segment[],
  platform: Platform | undefined,
) => ImageSource | undefined;

const fullBySource: Record<ImageSource["source"], FullReader> = {
  tar: (ctx, value, path, platform) => {
    if (!isStr(value.file)) return missing(ctx, path, "file", "`file: ./images/app.tar`");
    const format = isStr(value.format) ? parseFormat(value.format) : "auto";
    return format ? tarImage(ctx, value.file, format, platform, child(path, "file")) : undefined;
  },
  image: (ctx, value, path, platform) => refImage(ctx, value, path, platform, "image"),
  docker: (ctx, value, path, platform) => refImage(ctx, value, path, platform, "docker"),
  dockerfile: (ctx, value, path, platform) => dockerfileImage(ctx, value, path, platform),
};

function missing(ctx: Ctx, path: Segment[], key: string, example: string): undefined {
  return fail(ctx, {
    code: "recipe/missing-key",
    path,
    message: `the image has no \`${key}\``,
    fix: `add ${example}`,
  });
}

function refImage(
  ctx: Ctx,
  value: Obj,
  path: Segment[],
  platform: Platform | undefined,
  source: "image" | "docker",
): ImageSource | undefined {
  const key = value.ref !== undefined ? "ref" : "file";
  if (value.ref !== undefined && value.file !== undefined) {
    return fail(ctx, {
      code: "recipe/conflicting-keys",
      path: child(path, "file"),
      atKey: true,
      message: "the image has both `ref` and `file`",
      fix: "keep `ref` and remove `file`",
    });
  }
  const text = value[key];
  if (!isStr(text)) return missing(ctx, path, "ref", "`ref: redis:7.2-alpine`");
  const ref =
    source === "image"
      ? pinnedRef(ctx, text, child(path, key))
      : localRef(ctx, text, child(path, key));
  return ref === undefined ? undefined : { source, ref, ...(platform ? { platform } : {}) };
}

/** Images in the local engine need no pin: the engine has exactly one image under the name. */
function localRef(ctx: Ctx, ref: string, path: Segment[]): string | undefined {
  const parsed = parseRef(ref);
  if (typeof parsed !== "string") return ref;
  return fail(ctx, {
    code: "recipe/bad-image-ref",
    path,
    message: `\`${ref}\` is not a valid image reference: ${parsed}`,
    fix: "write the name `docker image ls` shows, e.g. `myapp:dev`",
  });
}

function dockerfileImage(
  ctx: Ctx,
  value: Obj,
  path: Segment[],
  platform: Platform | undefined,
): ImageSource | undefined {
  const context = existingBuildPath(
    ctx,
    isStr(value.context) ? value.context : ".",
    child(path, "context"),
    {
      what: "the build context",
      kind: "directory",
      fix: "point `context` at the directory holding the Dockerfile's files; relative paths start at the recipe's directory",
    },
  );
  const file = isStr(value.file) ? value.file : "Dockerfile";
  if (context === undefined) return undefined;
  checkDockerfile(ctx, context, file, child(path, value.file === undefined ? "context" : "file"));
  return {
    source: "dockerfile",
    context,
    file,
    buildArgs: readBuildArgs(ctx, value.build_args, child(path, "build_args")),
    ...(isStr(value.target) ? { target: value.target } : {}),
    ...(platform ? { platform } : {}),
  };
}

/** The Dockerfile path is relative to the context, as `docker build -f` inside it. */
function checkDockerfile(ctx: Ctx, context: string, file: string, path: Segment[]): void {
  existingBuildPath({ ...ctx, dir: context }, file, path, {
    what: "the Dockerfile",
    kind: "file",
    fix: "write `file:` with the Dockerfile's path relative to the context",
  });
}

function readBuildArgs(ctx: Ctx, value: unknown, path: Segment[]): Record<string, string> {
  return Object.fromEntries(
    entries(value).map(([k, v]) => [k, scalarText(ctx, v, child(path, k))]),
  );
}

function readPlatform(ctx: Ctx, value: unknown, path: Segment[]): Platform | undefined {
  if (!isStr(value)) return undefined;
  const platform = parsePlatform(value);
  if (platform) return platform;
  const windows = value.toLowerCase().startsWith("windows");
  return fail(ctx, {
    code: "recipe/bad-platform",
    path,
    message: windows
      ? `\`${value}\`: chefer runs Linux images only`
      : `\`${value}\` is not a platform chefer builds for`,
    fix: `write one of ${PLATFORM_NAMES.join(", ")}, or leave \`platform\` out to use the build target's architecture`,
  });
}
