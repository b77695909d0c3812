/**
 * Mounts. Named volumes stay volumes of the app (shared where services share them). A
 * bind-mounted file is baked into the app; a bind-mounted directory becomes a volume of the
 * app unless --keep-bind-mounts keeps it as a host mount; host system paths (sockets,
 * devices, /etc/localtime) stay host mounts. tmpfs mounts stay tmpfs.
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, posix } from "node:path";
import { pathKind } from "../path-kind.js";
import type { BakedFile, Mount, Service } from "../../appcipe/types.js";
import { child, isMap, isScalar, isSeq, text, truthy, type YMap, type YNode } from "../node.js";
import { parseSize } from "../../appcipe/sizes.js";
import { VolumeSpecError, parseVolumeSpec } from "../syntax/volume-spec.js";
import { errorAt, warnAt, type ServiceContext, shown } from "./context.js";

type MountFields = Pick<Service, "mounts" | "files">;

interface MountSpec {
  type: string;
  source: string;
  target: string;
  readOnly: boolean;
  tmpfs?: YNode;
  at: YNode;
  index: number;
}

const HOST_PATHS = [
  /^\/(dev|proc|sys|run)(\/|$)/,
  /^\/var\/run(\/|$)/,
  /docker\.sock$/,
  /^\/etc\/(localtime|timezone)$/,
  /^\/lib\/modules(\/|$)/,
  /^\/tmp\/\.X11-unix(\/|$)/,
];

export function translateVolumes(ctx: ServiceContext): MountFields {
  const out: MountFields = { mounts: [], files: [] };
  const volumes = ctx.node.entries.get("volumes");
  if (isSeq(volumes)) {
    volumes.items.forEach((item, index) => {
      const spec = readSpec(ctx, item, index);
      if (spec) translateMount(ctx, spec, out);
    });
  }
  translateTmpfsKey(ctx, out);
  return out;
}

function readSpec(ctx: ServiceContext, item: YNode, index: number): MountSpec | undefined {
  if (isMap(item)) return longSpec(item, index);
  try {
    const s = parseVolumeSpec(text(item) ?? "");
    return {
      type: s.type,
      source: s.source,
      target: s.target,
      readOnly: s.readOnly,
      at: item,
      index,
    };
  } catch (error) {
    if (!(error instanceof VolumeSpecError)) throw error;
    errorAt(
      ctx,
      "compose/volume-syntax",
      item.loc,
      ["volumes", index],
      error.message,
      "write SOURCE:TARGET[:ro]",
    );
    return undefined;
  }
}

function longSpec(item: YMap, index: number): MountSpec {
  const spec: MountSpec = {
    type: text(child(item, "type")) ?? "volume",
    source: text(child(item, "source")) ?? "",
    target: cleanTarget(text(child(item, "target")) ?? ""),
    readOnly: truthy(child(item, "read_only")),
    at: item,
    index,
  };
  const tmpfs = child(item, "tmpfs");
  if (tmpfs) spec.tmpfs = tmpfs;
  return spec;
}

function cleanTarget(target: string): string {
  const clean = posix.normalize(target);
  return clean.length > 1 ? clean.replace(/\/$/, "") : clean;
}

function translateMount(ctx: ServiceContext, spec: MountSpec, out: MountFields): void {
  switch (spec.type) {
    case "volume":
      return volumeMount(ctx, spec, out);
    case "bind":
      return bindMount(ctx, spec, out);
    case "tmpfs":
      out.mounts.push(tmpfsMount(spec.target, spec.tmpfs));
      return;
    default:
      warnAt(
        ctx,
        "compose/volume-type",
        spec.at.loc,
        ["volumes", spec.index],
        `${spec.type} mounts are not supported; nothing is mounted at ${spec.target}`,
        "use a volume, bind or tmpfs mount",
      );
  }
}

function volumeMount(ctx: ServiceContext, spec: MountSpec, out: MountFields): void {
  let name = spec.source;
  if (!name) {
    // TODO(limitation): an anonymous volume becomes a named, persistent volume; Docker
    // would give each new container a fresh one.
    name = uniqueVolumeName(ctx, `${ctx.name}-${spec.target}`);
    warnAt(
      ctx,
      "compose/anonymous-volume",
      spec.at.loc,
      ["volumes", spec.index],
      `the anonymous volume becomes the app volume "${name}", kept across runs`,
      `name it: "${name}:${spec.target}" and declare it under top-level volumes`,
    );
  } else if (!declaredVolume(ctx, name)) {
    errorAt(
      ctx,
      "compose/undefined-volume",
      spec.at.loc,
      ["volumes", spec.index],
      `volume "${name}" is not declared under the top-level volumes`,
      `add "volumes: {${name}: {}}" at the top level, or write ./${name} for a directory`,
    );
    return;
  }
  ctx.volumes.set(name, { name });
  out.mounts.push({ type: "volume", source: name, target: spec.target, readOnly: spec.readOnly });
}

function declaredVolume(ctx: ServiceContext, name: string): boolean {
  const volumes = ctx.model.entries.get("volumes");
  return isMap(volumes) && volumes.entries.has(name);
}

function bindMount(ctx: ServiceContext, spec: MountSpec, out: MountFields): void {
  const where: [YNode, (string | number)[]] = [spec.at, ["volumes", spec.index]];
  if (HOST_PATHS.some((re) => re.test(spec.source))) {
    warnAt(
      ctx,
      "compose/bind-host-path",
      where[0].loc,
      where[1],
      `${spec.source} is mounted from the machine the app runs on`,
      "make sure it exists there, or remove the mount",
    );
    out.mounts.push({
      type: "bind",
      source: spec.source,
      target: spec.target,
      readOnly: spec.readOnly,
    });
    return;
  }
  const kind = pathKind(expandHome(spec.source));
  if (kind === "file") return bakeFile(ctx, spec, out);
  if (kind === "other") {
    warnAt(
      ctx,
      "compose/bind-host-path",
      where[0].loc,
      where[1],
      `${spec.source} is neither a file nor a directory; it is mounted from the machine the app runs on`,
      "make sure it exists there, or remove the mount",
    );
    out.mounts.push({
      type: "bind",
      source: spec.source,
      target: spec.target,
      readOnly: spec.readOnly,
    });
    return;
  }
  if (ctx.options.keepBindMounts) return keepBind(ctx, spec, out);
  dirToVolume(ctx, spec, out);
}

/** `~` and `~/...` against the build machine's home, as Compose expands them. */
export function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? homedir() + path.slice(1) : path;
}

function bakeFile(ctx: ServiceContext, spec: MountSpec, out: MountFields): void {
  const source = expandHome(spec.source);
  const mode = statSync(source).mode & 0o777;
  const file: BakedFile = { source, target: spec.target, mode, uid: 0, gid: 0 };
  out.files.push(file);
  warnAt(
    ctx,
    "compose/bind-file-baked",
    spec.at.loc,
    ["volumes", spec.index],
    `the file is copied into the app at build time; later changes to ${basename(source)} on this machine do not reach the service`,
    "rebuild the app after changing the file",
  );
}

function keepBind(ctx: ServiceContext, spec: MountSpec, out: MountFields): void {
  const source = spec.source;
  if (spec.source.startsWith(`${ctx.workingDir}/`) || spec.source === ctx.workingDir) {
    warnAt(
      ctx,
      "compose/bind-kept",
      spec.at.loc,
      ["volumes", spec.index],
      `${shown(ctx, source)} is a path on this machine; the app mounts the same path on the machine it runs on`,
      "use a path starting with ~/ or an absolute path that exists where the app runs",
    );
  }
  out.mounts.push({ type: "bind", source, target: spec.target, readOnly: spec.readOnly });
}

function dirToVolume(ctx: ServiceContext, spec: MountSpec, out: MountFields): void {
  let name = ctx.bindVolumes.get(spec.source);
  if (!name) {
    name = uniqueVolumeName(ctx, basename(spec.source) || "data");
    ctx.bindVolumes.set(spec.source, name);
  }
  ctx.volumes.set(name, { name });
  out.mounts.push({ type: "volume", source: name, target: spec.target, readOnly: spec.readOnly });
  warnAt(
    ctx,
    "compose/bind-dir-volume",
    spec.at.loc,
    ["volumes", spec.index],
    `the directory becomes the app volume "${name}" in the app's data directory, filled from the image on first run; the content of ${shown(ctx, spec.source)} is not copied`,
    "convert with --keep-bind-mounts to mount a host directory instead",
  );
}

/** Volume names hold at most 63 characters; 56 leaves room for a "-NNN" suffix. */
function uniqueVolumeName(ctx: ServiceContext, wanted: string): string {
  const base =
    wanted
      .toLowerCase()
      .replace(/[^a-z0-9_.-]+/g, "-")
      .replace(/-{2,}/g, "-")
      .replace(/^[^a-z0-9]+|-+$/g, "")
      .slice(0, 56) || "data";
  const taken = (n: string) =>
    ctx.volumes.has(n) || declaredVolume(ctx, n) || [...ctx.bindVolumes.values()].includes(n);
  let name = base;
  for (let i = 2; taken(name); i++) name = `${base}-${i}`;
  return name;
}

function tmpfsMount(target: string, options: YNode | undefined): Mount {
  const mount: Mount = { type: "tmpfs", target };
  const size = child(options, "size");
  const mode = child(options, "mode");
  const bytes =
    isScalar(size) && size.value !== null ? parseSize(size.value as string | number) : undefined;
  if (bytes !== undefined) mount.size = bytes;
  const modeValue =
    isScalar(mode) && mode.value !== null ? octal(mode.source ?? String(mode.value)) : NaN;
  if (Number.isInteger(modeValue)) mount.mode = modeValue;
  return mount;
}

/** A file mode as written: 0755 and "0755" are octal, as in Docker. */
export function octal(raw: string): number {
  return /^0o?[0-7]+$/.test(raw) ? parseInt(raw.replace(/^0o?/, "") || "0", 8) : Number(raw);
}

/** The service-level `tmpfs:` key: a path or a list of `PATH[:size=N,mode=M]`. */
function translateTmpfsKey(ctx: ServiceContext, out: MountFields): void {
  const node = ctx.node.entries.get("tmpfs");
  const items = isSeq(node) ? node.items : node ? [node] : [];
  for (const item of items) {
    const raw = text(item);
    if (!raw) continue;
    const [target, opts = ""] = raw.split(/:(.*)/s);
    const mount: Mount = { type: "tmpfs", target: cleanTarget(target ?? raw) };
    for (const opt of opts.split(",")) {
      const [k, v = ""] = opt.split("=");
      if (k === "size" && parseSize(v) !== undefined) mount.size = parseSize(v) as number;
      if (k === "mode" && /^[0-7]+$/.test(v)) mount.mode = parseInt(v, 8);
    }
    out.mounts.push(mount);
  }
}
