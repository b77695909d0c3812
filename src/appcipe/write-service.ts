import { isAbsolute, relative, sep } from "node:path";
import type {
  BakedFile,
  Command,
  Dependency,
  Healthcheck,
  ImageSource,
  Mount,
  RestartPolicy,
  Service,
} from "./types.js";
import { formatDuration } from "./duration.js";
import { formatSize } from "./sizes.js";
import { formatExpose, formatPort } from "./ports.js";
import { flowSeq, quoted } from "./yaml-nodes.js";
import { HEALTHCHECK_DEFAULTS } from "./defaults.js";

type Node = Record<string, unknown>;

/** One service in canonical key order, defaults left out. */
export function renderService(s: Service, baseDir: string): Node {
  const out: Node = { image: renderImage(s.image, baseDir) };
  if (s.entrypoint) out.entrypoint = renderCommand(s.entrypoint);
  if (s.cmd) out.cmd = renderCommand(s.cmd);
  if (s.workdir !== undefined) out.workdir = s.workdir;
  if (s.user !== undefined) out.user = quoted(s.user);
  if (Object.keys(s.env).length > 0) out.env = renderEnv(s.env);
  Object.assign(out, renderMounts(s.mounts));
  if (s.files.length > 0) out.files = s.files.map((f) => renderFile(f, baseDir));
  if (s.ports.length > 0) out.ports = s.ports.map((p) => quoted(formatPort(p)));
  if (s.expose.length > 0) out.expose = s.expose.map((e) => renderScalar(formatExpose(e)));
  if (s.interfaceMode !== "none") out.interface_mode = s.interfaceMode;
  if (s.dependsOn.length > 0) out.depends_on = renderDependsOn(s.dependsOn);
  if (s.healthcheck !== undefined) out.healthcheck = renderHealthcheck(s.healthcheck);
  Object.assign(out, renderLifecycle(s));
  Object.assign(out, renderNaming(s));
  if (s.init) out.init = true;
  if (s.gpu !== false) out.gpu = s.gpu === true ? true : flowSeq(s.gpu);
  if (s.capAdd?.length) out.cap_add = flowSeq(s.capAdd.map(shortCapability));
  if (s.capDrop?.length) out.cap_drop = flowSeq(s.capDrop.map(shortCapability));
  if (s.privileged) out.privileged = true;
  if (s.seccomp) out.seccomp = s.seccomp;
  return out;
}

/** `CAP_NET_ADMIN` as written in Compose files: `NET_ADMIN`. */
function shortCapability(name: string): string {
  return name.replace(/^CAP_/, "");
}

function renderScalar(value: string | number): unknown {
  return typeof value === "string" ? quoted(value) : value;
}

/** A build-machine path, relative to baseDir when it lies under it. */
export function renderPath(path: string, baseDir: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(baseDir, path);
  if (rel === "") return ".";
  if (rel.startsWith("..") || isAbsolute(rel)) return path;
  return `./${rel.split(sep).join("/")}`;
}

function renderImage(image: ImageSource, baseDir: string): unknown {
  switch (image.source) {
    case "image":
      return image.platform
        ? { source: "image", ref: image.ref, platform: image.platform }
        : image.ref;
    case "docker":
      return withPlatform({ source: "docker", ref: image.ref }, image.platform);
    case "tar":
      return renderTarImage(image, baseDir);
    case "dockerfile":
      return renderDockerfileImage(image, baseDir);
  }
}

function withPlatform(node: Node, platform: string | undefined): Node {
  return platform ? { ...node, platform } : node;
}

function renderTarImage(image: Extract<ImageSource, { source: "tar" }>, baseDir: string): unknown {
  const file = renderPath(image.file, baseDir);
  const short = image.format === "auto" && !image.platform && /^[./~]/.test(file);
  if (short) return file;
  const node: Node = { source: "tar", file };
  if (image.format !== "auto") node.format = image.format;
  return withPlatform(node, image.platform);
}

function renderDockerfileImage(
  image: Extract<ImageSource, { source: "dockerfile" }>,
  baseDir: string,
): Node {
  const node: Node = { source: "dockerfile", context: renderPath(image.context, baseDir) };
  if (image.file !== "Dockerfile") node.file = image.file;
  if (Object.keys(image.buildArgs).length > 0) node.build_args = renderEnv(image.buildArgs);
  if (image.target !== undefined) node.target = image.target;
  return withPlatform(node, image.platform);
}

function renderCommand(command: Command): unknown {
  return "argv" in command ? flowSeq(command.argv) : command.shell;
}

function renderEnv(env: Record<string, string>): Node {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, quoted(v)]));
}

/**
 * Volumes, tmpfs and absolute binds go under `volumes:`; binds relative to the executable's
 * directory can only be written under the seed's `mounts:` key.
 */
function renderMounts(mounts: Mount[]): Node {
  const volumes = mounts.filter((m) => !isRelativeBind(m)).map(renderMount);
  const relativeBinds = mounts.filter(isRelativeBind).map(renderMount);
  const out: Node = {};
  if (volumes.length > 0) out.volumes = volumes;
  if (relativeBinds.length > 0) out.mounts = relativeBinds;
  return out;
}

function isRelativeBind(m: Mount): boolean {
  return m.type === "bind" && !m.source.startsWith("/") && !m.source.startsWith("~");
}

function renderMount(m: Mount): unknown {
  if (m.type === "tmpfs") {
    const options: Node = {};
    if (m.size !== undefined) options.size = formatSize(m.size);
    if (m.mode !== undefined) options.mode = quoted(formatMode(m.mode));
    const node: Node = { type: "tmpfs", target: m.target };
    return Object.keys(options).length > 0 ? { ...node, tmpfs: options } : node;
  }
  if (m.source.includes(":") || m.target.includes(":")) {
    return { type: m.type, source: m.source, target: m.target, read_only: m.readOnly };
  }
  return quoted(`${m.source}:${m.target}${m.readOnly ? ":ro" : ""}`);
}

/** File modes as four octal digits, e.g. "0644". */
export function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, "0");
}

function renderFile(f: BakedFile, baseDir: string): Node {
  const node: Node = {};
  if (f.source !== undefined) node.source = renderPath(f.source, baseDir);
  if (f.content !== undefined) node.content = f.content;
  node.target = f.target;
  if (f.mode !== 0o644) node.mode = quoted(formatMode(f.mode));
  if (f.uid !== 0) node.uid = f.uid;
  if (f.gid !== 0) node.gid = f.gid;
  return node;
}

function renderDependsOn(deps: Dependency[]): unknown {
  const simple = deps.every((d) => d.condition === "service_started" && d.required);
  if (simple) return flowSeq(deps.map((d) => d.service));
  return Object.fromEntries(
    deps.map((d) => [
      d.service,
      d.required ? { condition: d.condition } : { condition: d.condition, required: false },
    ]),
  );
}

function renderHealthcheck(h: Healthcheck | null): Node {
  if (h === null) return { disable: true };
  const node: Node = { test: "shell" in h.test ? h.test.shell : flowSeq(["CMD", ...h.test.argv]) };
  const d = HEALTHCHECK_DEFAULTS;
  if (h.intervalMs !== d.intervalMs) node.interval = formatDuration(h.intervalMs);
  if (h.timeoutMs !== d.timeoutMs) node.timeout = formatDuration(h.timeoutMs);
  if (h.retries !== d.retries) node.retries = h.retries;
  if (h.startPeriodMs !== d.startPeriodMs) node.start_period = formatDuration(h.startPeriodMs);
  if (h.startIntervalMs !== d.startIntervalMs)
    node.start_interval = formatDuration(h.startIntervalMs);
  return node;
}

function renderRestart(r: RestartPolicy): unknown {
  if (r.policy === "on-failure" && r.maxRetries !== undefined) return `on-failure:${r.maxRetries}`;
  return r.policy === "no" ? quoted("no") : r.policy;
}

function renderLifecycle(s: Service): Node {
  const out: Node = {};
  if (s.restart.policy !== "no") out.restart = renderRestart(s.restart);
  if (s.stopSignal !== undefined) out.stop_signal = s.stopSignal;
  if (s.stopGracePeriodMs !== undefined)
    out.stop_grace_period = formatDuration(s.stopGracePeriodMs);
  return out;
}

function renderNaming(s: Service): Node {
  const out: Node = {};
  if (s.hostname !== undefined) out.hostname = s.hostname;
  if (s.aliases.length > 0) out.aliases = flowSeq(s.aliases);
  if (s.extraHosts.length > 0) {
    out.extra_hosts = s.extraHosts.map((h) =>
      quoted(h.ip.includes(":") ? `${h.host}=${h.ip}` : `${h.host}:${h.ip}`),
    );
  }
  return out;
}
