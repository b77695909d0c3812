/**
 * Where a service's image comes from: a Dockerfile built by the local Docker engine (when the
 * service has `build`), else a registry image that must be pinned, since the executable
 * freezes whatever the reference meant at build time.
 */
import { relative, resolve } from "node:path";
import { parseRef } from "../../appcipe/image-ref.js";
import type { ImageSource, Platform } from "../../appcipe/types.js";
import { child, isMap, isScalar, keyLoc, text, type YMap, type YNode } from "../node.js";
import { isRemoteContext } from "../paths.js";
import { pathKind } from "../path-kind.js";
import { toMap } from "../merge.js";
import { errorAt, type ServiceContext, shown } from "./context.js";

const PLATFORMS: Record<string, Platform> = {
  "linux/amd64": "linux/amd64",
  "linux/x86_64": "linux/amd64",
  "linux/arm64": "linux/arm64",
  "linux/arm64/v8": "linux/arm64",
  "linux/aarch64": "linux/arm64",
};

export function translateImage(ctx: ServiceContext): ImageSource | undefined {
  const platform = translatePlatform(ctx);
  const build = ctx.node.entries.get("build");
  const source = build ? fromBuild(ctx, build) : fromImage(ctx);
  if (source && platform) source.platform = platform;
  return source;
}

function translatePlatform(ctx: ServiceContext): Platform | undefined {
  const node = ctx.node.entries.get("platform");
  const raw = text(node);
  if (!raw || !node) return undefined;
  const platform = PLATFORMS[raw.toLowerCase()];
  if (!platform) {
    errorAt(
      ctx,
      "compose/platform-unsupported",
      node.loc,
      ["platform"],
      `platform ${raw} is not one chefer builds for`,
      "use linux/amd64 or linux/arm64, or remove platform",
    );
  }
  return platform;
}

function fromImage(ctx: ServiceContext): ImageSource | undefined {
  const node = ctx.node.entries.get("image");
  const ref = text(node);
  if (!node || !ref) {
    const at = ctx.model.entries.get("services");
    const loc = isMap(at) ? keyLoc(at, ctx.name) : ctx.node.loc;
    errorAt(
      ctx,
      "compose/no-image",
      loc,
      [],
      "the service has neither image nor build",
      "add image: NAME:VERSION, or build: with a Dockerfile directory",
    );
    return undefined;
  }
  const parsed = parseRef(ref);
  if (typeof parsed === "string") {
    errorAt(
      ctx,
      "compose/image-invalid",
      node.loc,
      ["image"],
      `image ${ref} is not a valid reference: ${parsed}`,
      "write image: [REGISTRY/]NAME:TAG or NAME@sha256:DIGEST",
    );
    return undefined;
  }
  if (!parsed.digest && (parsed.tag === undefined || parsed.tag === "latest")) {
    errorAt(
      ctx,
      "compose/image-not-pinned",
      node.loc,
      ["image"],
      `image ${ref} is not pinned: "latest" changes over time and the executable would freeze whichever version the build saw`,
      `write image: ${ref.replace(/:latest$/, "")}:VERSION, or pin a digest with @sha256:...`,
    );
    return undefined;
  }
  return { source: "image", ref };
}

function fromBuild(ctx: ServiceContext, build: YNode): ImageSource | undefined {
  const contextNode = isScalar(build) ? build : child(build, "context");
  const context = text(contextNode) ?? ctx.workingDir;
  // TODO(limitation): git and URL build contexts are not fetched; clone them first.
  if (isRemoteContext(context)) {
    errorAt(
      ctx,
      "compose/build-remote-context",
      (contextNode ?? build).loc,
      ["build"],
      `the build context ${context} is a URL`,
      "clone the repository and point build.context at the directory",
    );
    return undefined;
  }
  const dir = resolve(ctx.workingDir, context);
  const map = isMap(build) ? build : undefined;
  // dockerfile_inline is refused by the mapping table; a missing Dockerfile would only repeat it.
  if (child(map, "dockerfile_inline")) return undefined;
  const file = resolve(dir, text(child(map, "dockerfile")) ?? "Dockerfile");
  if (!buildInputsExist(ctx, dir, file, build)) return undefined;
  // The recipe's Dockerfile path is relative to the context, as `docker build -f` reads it.
  const source: ImageSource = {
    source: "dockerfile",
    context: dir,
    file: relative(dir, file),
    buildArgs: buildArgs(ctx, map),
  };
  const target = text(child(map, "target"));
  if (target) source.target = target;
  return source;
}

function buildInputsExist(ctx: ServiceContext, dir: string, file: string, build: YNode): boolean {
  const at = (child(build, "dockerfile") ?? child(build, "context") ?? build).loc;
  if (pathKind(dir) !== "dir") {
    errorAt(
      ctx,
      "compose/build-context-missing",
      (child(build, "context") ?? build).loc,
      ["build"],
      `the build context ${shown(ctx, dir)} does not exist`,
      "create the directory, or correct build.context",
    );
    return false;
  }
  if (pathKind(file) === "file") return true;
  errorAt(
    ctx,
    "compose/dockerfile-missing",
    at,
    ["build"],
    `the Dockerfile ${shown(ctx, file)} does not exist`,
    "create it, or name the right file with build.dockerfile",
  );
  return false;
}

/** Build args; a bare key takes the project environment's value or is dropped, as in Compose. */
function buildArgs(ctx: ServiceContext, build: YMap | undefined): Record<string, string> {
  const args = child(build, "args");
  const out: Record<string, string> = {};
  if (!args) return out;
  for (const [key, value] of toMap(args).entries) {
    const v = text(value) ?? ctx.env[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}
