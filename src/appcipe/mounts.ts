import type { Mount } from "./types.js";
import { child, fail, isObj, isStr, type Ctx, type Obj } from "./context.js";
import type { Segment } from "./source.js";
import { containerPath } from "./names.js";
import { parseMode, parseSize } from "./sizes.js";

/** What the service's mount keys need to know about the rest of the recipe. */
export interface MountScope {
  service: string;
  /** Named volumes declared at the top level, plus the implicit ones from persist_path. */
  declared: Set<string>;
}

/**
 * All of a service's mounts: seed `persist_path`, seed `mounts`, `volumes`, `tmpfs`. They are
 * sorted by target so a parent directory is always mounted before what is mounted inside it.
 */
export function normalizeMounts(ctx: Ctx, svc: Obj, path: Segment[], scope: MountScope): Mount[] {
  const found: { mount: Mount; path: Segment[] }[] = [];
  const add = (mount: Mount | undefined, at: Segment[]) => mount && found.push({ mount, path: at });
  if (isStr(svc.persist_path))
    add(
      persistMount(ctx, svc.persist_path, child(path, "persist_path"), scope),
      child(path, "persist_path"),
    );
  listOf(svc.mounts).forEach(
    (m, i) =>
      isStr(m) && add(seedMount(ctx, m, child(path, "mounts", i)), child(path, "mounts", i)),
  );
  listOf(svc.volumes).forEach((v, i) =>
    add(volumeEntry(ctx, v, child(path, "volumes", i), scope), child(path, "volumes", i)),
  );
  const tmpfs = isStr(svc.tmpfs) ? [svc.tmpfs] : listOf(svc.tmpfs);
  const tmpfsPath = (i: number) =>
    isStr(svc.tmpfs) ? child(path, "tmpfs") : child(path, "tmpfs", i);
  tmpfs.forEach((t, i) => isStr(t) && add(tmpfsShort(ctx, t, tmpfsPath(i)), tmpfsPath(i)));
  reportDuplicateTargets(ctx, found);
  return found.map((f) => f.mount).sort((a, b) => compareTargets(a.target, b.target));
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Orders by path components, so `/a` < `/a/b` < `/a-b`. */
export function compareTargets(a: string, b: string): number {
  const pa = a.split("/");
  const pb = b.split("/");
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = (pa[i] as string).localeCompare(pb[i] as string);
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

function reportDuplicateTargets(ctx: Ctx, found: { mount: Mount; path: Segment[] }[]): void {
  const seen = new Map<string, Segment[]>();
  for (const { mount, path } of found) {
    const first = seen.get(mount.target);
    if (first) {
      fail(ctx, {
        code: "recipe/duplicate-mount",
        path,
        message: `\`${mount.target}\` is already mounted by ${formatSegs(first)}`,
        fix: "mount each container path once; remove one of the two",
      });
    } else seen.set(mount.target, path);
  }
}

function formatSegs(path: Segment[]): string {
  return path
    .map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`))
    .join("")
    .replace(/^\./, "");
}

/** The seed's one persistent directory per service: a volume named after the service. */
function persistMount(
  ctx: Ctx,
  value: string,
  path: Segment[],
  scope: MountScope,
): Mount | undefined {
  const target = containerPath(ctx, value, path, "persist_path");
  if (target === undefined) return undefined;
  scope.declared.add(scope.service);
  return { type: "volume", source: scope.service, target, readOnly: false };
}

/** Splits `a:b[:ro]` from the right, so a seed host path may itself hold a colon. */
function splitSeedMount(text: string): [string, string, boolean] | undefined {
  const ro = /:(ro|rw)$/.exec(text);
  const body = ro ? text.slice(0, ro.index) : text;
  const colon = body.lastIndexOf(":");
  if (colon <= 0) return undefined;
  return [body.slice(0, colon), body.slice(colon + 1), ro?.[1] === "ro"];
}

/**
 * A seed `mounts:` entry. A relative host path is kept relative: the runtime resolves it
 * against the executable's directory on the user's machine. It is never made absolute on the
 * build machine, where the seed resolved it, giving a path that does not exist elsewhere.
 * TODO(limitation): relative host paths are accepted only under `mounts:`, not `volumes:`.
 */
function seedMount(ctx: Ctx, text: string, path: Segment[]): Mount | undefined {
  const parts = splitSeedMount(text);
  if (!parts)
    return fail(ctx, {
      code: "recipe/bad-mount",
      path,
      message: `\`${text}\` is not HOST:CONTAINER`,
      fix: 'write "HOST_PATH:CONTAINER_PATH", e.g. "~/Documents:/data", with ":ro" to make it read-only',
    });
  const [host, guest, readOnly] = parts;
  const target = containerPath(ctx, guest, path, "the container path");
  const source = hostSource(host);
  if (!isAnchored(source)) {
    ctx.problems.warn({
      code: "recipe/relative-bind",
      path,
      message: `host path \`${host}\` is relative: it is resolved on the user's machine, against the directory holding the executable, not against this recipe`,
      fix: `to silence this, write an absolute path or ~/...; to ship the build machine's files inside the app, list them under \`files:\` instead`,
    });
  }
  return target === undefined ? undefined : { type: "bind", source, target, readOnly };
}

function isAnchored(source: string): boolean {
  return source.startsWith("/") || source === "~" || source.startsWith("~/");
}

/**
 * `presets` and `./presets` mean the same relative path, written `./presets`; a bare `~` is
 * written `~/`, the one form of the home directory the runtime expands.
 */
function hostSource(host: string): string {
  if (host === "~") return "~/";
  if (isAnchored(host) || host.startsWith("./") || host.startsWith("../")) return host;
  return host === "." ? "." : `./${host}`;
}

function volumeEntry(
  ctx: Ctx,
  value: unknown,
  path: Segment[],
  scope: MountScope,
): Mount | undefined {
  if (isStr(value)) return volumeShort(ctx, value, path, scope);
  return isObj(value) ? volumeLong(ctx, value, path, scope) : undefined;
}

const ignoredOptions = new Set([
  "nocopy",
  "z",
  "Z",
  "shared",
  "rshared",
  "slave",
  "rslave",
  "private",
  "rprivate",
  "consistent",
  "cached",
  "delegated",
]);

/** Compose's short syntax: `SOURCE:TARGET[:OPTIONS]`. */
function volumeShort(
  ctx: Ctx,
  text: string,
  path: Segment[],
  scope: MountScope,
): Mount | undefined {
  const parts = text.split(":");
  if (parts.length === 1) {
    return fail(ctx, {
      code: "recipe/anonymous-volume",
      path,
      message: `\`${text}\` has no source: an anonymous volume would start empty on every run`,
      fix: `name it: "${text.replace(/^\//, "").replace(/\//g, "-") || "data"}:${text}" and declare the name under the top-level \`volumes:\``,
    });
  }
  if (parts.length > 3)
    return fail(ctx, {
      code: "recipe/bad-mount",
      path,
      message: `\`${text}\` has too many colons`,
      fix: "use the long form: {type: bind, source: ..., target: ...}",
    });
  const [source, target, options] = parts as [string, string, string | undefined];
  const readOnly = readOptions(ctx, options ?? "", path);
  return makeMount(ctx, { source, target, readOnly, kind: guessKind(source) }, path, scope);
}

function guessKind(source: string): "bind" | "volume" {
  return /^[./~]/.test(source) ? "bind" : "volume";
}

function readOptions(ctx: Ctx, options: string, path: Segment[]): boolean {
  let readOnly = false;
  for (const option of options.split(",").filter(Boolean)) {
    if (option === "ro" || option === "rw") readOnly = option === "ro";
    else if (ignoredOptions.has(option))
      ctx.problems.warn({
        code: "recipe/ignored-mount-option",
        path,
        message: `mount option \`${option}\` has no effect in a chefer app and is ignored`,
        fix: `remove \`:${option}\``,
      });
    else
      fail(ctx, {
        code: "recipe/bad-mount",
        path,
        message: `mount option \`${option}\` is unknown`,
        fix: "use ro or rw",
      });
  }
  return readOnly;
}

interface MountSpec {
  source: string;
  target: string;
  readOnly: boolean;
  kind: "bind" | "volume";
}

function makeMount(
  ctx: Ctx,
  spec: MountSpec,
  path: Segment[],
  scope: MountScope,
): Mount | undefined {
  const target = containerPath(ctx, spec.target, path, "the mount target");
  if (spec.kind === "bind") return bindMount(ctx, spec, target, path);
  if (!scope.declared.has(spec.source)) {
    return fail(ctx, {
      code: "recipe/undeclared-volume",
      path,
      message: `volume \`${spec.source}\` is not declared`,
      fix: `add it under the top-level \`volumes:\` (volumes: {${spec.source}: {}}), or write a path (starting with /, ~/ or ./) to mount a host directory`,
    });
  }
  return target === undefined
    ? undefined
    : { type: "volume", source: spec.source, target, readOnly: spec.readOnly };
}

function bindMount(
  ctx: Ctx,
  spec: MountSpec,
  target: string | undefined,
  path: Segment[],
): Mount | undefined {
  if (!isAnchored(spec.source)) {
    return fail(ctx, {
      code: "recipe/relative-bind",
      path,
      message: `host path \`${spec.source}\` is relative; it would not exist on the user's machine`,
      fix: "write an absolute path or ~/...; to ship the build machine's files inside the app, list them under `files:`; to use a directory next to the executable, use the seed's `mounts:`",
    });
  }
  return target === undefined
    ? undefined
    : { type: "bind", source: hostSource(spec.source), target, readOnly: spec.readOnly };
}

function volumeLong(ctx: Ctx, value: Obj, path: Segment[], scope: MountScope): Mount | undefined {
  const target = isStr(value.target) ? value.target : "";
  if (value.type === "tmpfs") return tmpfsLong(ctx, value, path);
  if (value.tmpfs !== undefined)
    fail(ctx, {
      code: "recipe/key-not-for-type",
      path: child(path, "tmpfs"),
      atKey: true,
      message: "`tmpfs` options apply only to `type: tmpfs`",
      fix: "remove them",
    });
  if (!isStr(value.source))
    return fail(ctx, {
      code: "recipe/missing-key",
      path,
      message: "the mount has no `source`",
      fix: value.type === "bind" ? "add `source: /host/path`" : "add `source: VOLUME_NAME`",
    });
  const kind = value.type === "bind" ? "bind" : "volume";
  return makeMount(
    ctx,
    { source: value.source, target, readOnly: value.read_only === true, kind },
    path,
    scope,
  );
}

function tmpfsLong(ctx: Ctx, value: Obj, path: Segment[]): Mount | undefined {
  const target = containerPath(
    ctx,
    isStr(value.target) ? value.target : "",
    child(path, "target"),
    "the tmpfs target",
  );
  if (value.source !== undefined)
    fail(ctx, {
      code: "recipe/key-not-for-type",
      path: child(path, "source"),
      atKey: true,
      message: "a tmpfs has no `source`",
      fix: "remove `source`",
    });
  const opts = isObj(value.tmpfs) ? value.tmpfs : {};
  const size = readSize(ctx, opts.size, child(path, "tmpfs", "size"));
  const mode = readMode(ctx, opts.mode, child(path, "tmpfs", "mode"));
  if (target === undefined) return undefined;
  return {
    type: "tmpfs",
    target,
    ...(size !== undefined ? { size } : {}),
    ...(mode !== undefined ? { mode } : {}),
  };
}

/** `/run` or `/run:size=64m,mode=1777`, as `docker run --tmpfs` takes it. */
function tmpfsShort(ctx: Ctx, text: string, path: Segment[]): Mount | undefined {
  const [where, options = ""] = text.split(/:(.*)/s) as [string, string | undefined];
  const target = containerPath(ctx, where, path, "the tmpfs target");
  const mount: Mount = { type: "tmpfs", target: target ?? "/" };
  for (const option of options.split(",").filter(Boolean)) {
    const [key, val = ""] = option.split("=");
    if (key === "size") mount.size = readSize(ctx, val, path);
    else if (key === "mode") mount.mode = readMode(ctx, val, path);
    else
      fail(ctx, {
        code: "recipe/bad-mount",
        path,
        message: `tmpfs option \`${option}\` is unknown`,
        fix: "use size=64m and mode=1777",
      });
  }
  if (mount.size === undefined) delete mount.size;
  if (mount.mode === undefined) delete mount.mode;
  return target === undefined ? undefined : mount;
}

function readSize(ctx: Ctx, value: unknown, path: Segment[]): number | undefined {
  if (value === undefined) return undefined;
  const size =
    typeof value === "string" || typeof value === "number" ? parseSize(value) : undefined;
  if (size === undefined)
    fail(ctx, {
      code: "recipe/bad-size",
      path,
      message: `\`${String(value)}\` is not a size`,
      fix: "write bytes, or a number with k, m or g, e.g. 64m",
    });
  return size;
}

export function readMode(ctx: Ctx, value: unknown, path: Segment[]): number | undefined {
  if (value === undefined) return undefined;
  const raw = ctx.source.rawText(path);
  const mode =
    typeof value === "string" || typeof value === "number" ? parseMode(value, raw) : undefined;
  if (mode === undefined)
    fail(ctx, {
      code: "recipe/bad-mode",
      path,
      message: `\`${String(value)}\` is not an octal file mode`,
      fix: 'write the mode in octal, in quotes, e.g. "0644"',
    });
  return mode;
}
