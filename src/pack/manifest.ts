import { effectiveCapabilities } from "../appcipe/capabilities.js";
import type { Command, Healthcheck, Mount, Recipe, Service } from "../appcipe/types.js";
import type { WrittenBlob } from "./blob-writer.js";
import type { ImageRunConfig, ResolvedImage } from "./image.js";
import { FORMAT_VERSION } from "./footer.js";

/** The manifest of docs/format.md, field for field; key order here is the order written. */
export interface Manifest {
  format_version: number;
  chunk_size: number;
  builder: string;
  target: string;
  app: ManifestApp;
  volumes: string[];
  blobs: ManifestBlob[];
  services: ManifestService[];
}

export interface ManifestApp {
  name: string;
  app_version: string | null;
  data_dir: string | null;
  old_names: string[];
  crash: string;
  network: string;
  console: string;
}

export interface ManifestBlob extends WrittenBlob {
  media: "layer" | "file";
  /** Offset of the blob's first frame from the start of the payload. */
  offset: number;
}

export interface ManifestHealthcheck {
  test: string[];
  interval_ms: number;
  timeout_ms: number;
  retries: number;
  start_period_ms: number;
  start_interval_ms: number;
}

export type ManifestMount =
  | { type: "volume" | "bind"; source: string; target: string; read_only: boolean }
  | { type: "tmpfs"; target: string; size: number | null; mode: number | null };

export interface ManifestService {
  name: string;
  platform: string;
  layers: string[];
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workdir: string;
  user: string;
  mounts: ManifestMount[];
  files: { target: string; blob: string; mode: number; uid: number; gid: number }[];
  ports: {
    host_ip: string;
    host_start: number;
    host_end: number;
    container_start: number;
    container_end: number;
    protocol: string;
  }[];
  expose: { port: number; protocol: string }[];
  interface_mode: string;
  depends_on: { service: string; condition: string; required: boolean }[];
  healthcheck: ManifestHealthcheck | null;
  restart: { policy: string; max_retries: number };
  stop_signal: string;
  stop_grace_period_ms: number;
  hostname: string;
  aliases: string[];
  extra_hosts: { host: string; ip: string }[];
  init: boolean;
  /** The service's capabilities, canonical names in kernel order. */
  capabilities: string[];
  seccomp: "default" | "unconfined";
  gpu: boolean | number[];
}

export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Docker's healthcheck defaults, in milliseconds. */
const HEALTH_DEFAULTS = {
  interval: 30000,
  timeout: 30000,
  retries: 3,
  startPeriod: 0,
  startInterval: 5000,
};

/** The `app` object of the manifest. */
export function manifestApp(recipe: Recipe): ManifestApp {
  return {
    name: recipe.name,
    app_version: recipe.appVersion ?? null,
    data_dir: recipe.dataDir ?? null,
    old_names: [...recipe.oldNames],
    crash: recipe.crash,
    network: recipe.network,
    console: recipe.console,
  };
}

/** Starts a manifest; blobs and services are filled in as the packer writes them. */
export function newManifest(
  recipe: Recipe,
  target: string,
  builder: string,
  chunkSize: number,
): Manifest {
  return {
    format_version: FORMAT_VERSION,
    chunk_size: chunkSize,
    builder,
    target,
    app: manifestApp(recipe),
    volumes: Object.keys(recipe.volumes).sort(),
    blobs: [],
    services: [],
  };
}

/** Serializes a manifest as the exact bytes stored: compact JSON, no trailing newline. */
export function serializeManifest(m: Manifest): Buffer {
  return Buffer.from(JSON.stringify(m), "utf8");
}

/**
 * One service of the manifest: the recipe's settings with the image config applied by
 * Docker's rules (docs/format.md "What the packer resolves"). `fileBlobs` holds the digest of
 * each baked file, in the order of `service.files`.
 */
// TODO(limitation): an image's VOLUME declarations do not become anonymous volumes; only the
// recipe's mounts are packed.
export function resolveService(
  service: Service,
  image: ResolvedImage,
  fileBlobs: string[],
): ManifestService {
  const run = image.config.config ?? {};
  const { entrypoint, cmd } = resolveCommand(service, run);
  return {
    name: service.name,
    platform: image.platform,
    layers: image.layers.map((l) => l.diffId),
    entrypoint,
    cmd,
    env: resolveEnv(run.Env ?? [], service.env),
    workdir: service.workdir ?? (run.WorkingDir || "/"),
    user: service.user ?? run.User ?? "",
    mounts: service.mounts.map(manifestMount),
    files: service.files.map((f, i) => ({
      target: f.target,
      blob: fileBlobs[i] as string,
      mode: f.mode,
      uid: f.uid,
      gid: f.gid,
    })),
    ports: service.ports.map((p) => ({
      host_ip: p.hostIp,
      host_start: p.hostStart,
      host_end: p.hostEnd,
      container_start: p.containerStart,
      container_end: p.containerEnd,
      protocol: p.protocol,
    })),
    expose: service.expose.map((e) => ({ port: e.port, protocol: e.protocol })),
    interface_mode: service.interfaceMode,
    depends_on: service.dependsOn.map((d) => ({
      service: d.service,
      condition: d.condition,
      required: d.required,
    })),
    healthcheck: resolveHealthcheck(service.healthcheck, run.Healthcheck),
    restart: {
      policy: service.restart.policy,
      max_retries: service.restart.policy === "on-failure" ? (service.restart.maxRetries ?? 0) : 0,
    },
    stop_signal: service.stopSignal ?? (run.StopSignal || "SIGTERM"),
    stop_grace_period_ms: service.stopGracePeriodMs ?? 10000,
    hostname: service.hostname ?? service.name,
    aliases: [...service.aliases],
    extra_hosts: service.extraHosts.map((h) => ({ host: h.host, ip: h.ip })),
    init: service.init,
    gpu: Array.isArray(service.gpu) ? [...service.gpu] : service.gpu,
    capabilities: effectiveCapabilities(service),
    seccomp: service.privileged || service.seccomp === "unconfined" ? "unconfined" : "default",
  };
}

/** Turns a command into argv; the shell form runs through /bin/sh -c, as Docker does. */
export function commandArgv(c: Command): string[] {
  return "argv" in c ? [...c.argv] : ["/bin/sh", "-c", c.shell];
}

/**
 * Docker's rule: a recipe entrypoint replaces the image's and clears the image's cmd;
 * a recipe cmd replaces the image's cmd.
 */
export function resolveCommand(
  service: Pick<Service, "entrypoint" | "cmd">,
  run: ImageRunConfig,
): { entrypoint: string[]; cmd: string[] } {
  if (service.entrypoint) {
    return {
      entrypoint: commandArgv(service.entrypoint),
      cmd: service.cmd ? commandArgv(service.cmd) : [],
    };
  }
  return {
    entrypoint: [...(run.Entrypoint ?? [])],
    cmd: service.cmd ? commandArgv(service.cmd) : [...(run.Cmd ?? [])],
  };
}

/**
 * The image's environment with the recipe's on top: image keys keep their order (with the
 * recipe's value when it sets one), then the recipe's new keys in order. PATH comes first
 * with Docker's default when neither sets it.
 */
export function resolveEnv(imageEnv: string[], recipeEnv: Record<string, string>): string[] {
  const merged = new Map<string, string>();
  for (const entry of imageEnv) {
    const eq = entry.indexOf("=");
    if (eq < 0) merged.set(entry, "");
    else merged.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  for (const [key, value] of Object.entries(recipeEnv)) merged.set(key, value);
  const env = [...merged].map(([k, v]) => `${k}=${v}`);
  return merged.has("PATH") ? env : [`PATH=${DEFAULT_PATH}`, ...env];
}

/**
 * The recipe's healthcheck, else the image's HEALTHCHECK (durations in nanoseconds there,
 * zero meaning "default"), else none. `["NONE"]` in the image disables it.
 */
export function resolveHealthcheck(
  recipe: Healthcheck | null | undefined,
  image: ImageRunConfig["Healthcheck"],
): ManifestHealthcheck | null {
  if (recipe === null) return null;
  if (recipe) {
    return {
      test: "argv" in recipe.test ? ["CMD", ...recipe.test.argv] : ["CMD-SHELL", recipe.test.shell],
      interval_ms: recipe.intervalMs,
      timeout_ms: recipe.timeoutMs,
      retries: recipe.retries,
      start_period_ms: recipe.startPeriodMs,
      start_interval_ms: recipe.startIntervalMs,
    };
  }
  return imageHealthcheck(image);
}

function imageHealthcheck(hc: ImageRunConfig["Healthcheck"]): ManifestHealthcheck | null {
  const test = hc?.Test ?? [];
  const kind = test[0];
  if (!hc || (kind !== "CMD" && kind !== "CMD-SHELL")) return null;
  const ms = (ns: number | undefined, fallback: number) => (ns ? Math.round(ns / 1e6) : fallback);
  return {
    test: [...test],
    interval_ms: ms(hc.Interval, HEALTH_DEFAULTS.interval),
    timeout_ms: ms(hc.Timeout, HEALTH_DEFAULTS.timeout),
    retries: hc.Retries || HEALTH_DEFAULTS.retries,
    start_period_ms: ms(hc.StartPeriod, HEALTH_DEFAULTS.startPeriod),
    start_interval_ms: ms(hc.StartInterval, HEALTH_DEFAULTS.startInterval),
  };
}

function manifestMount(m: Mount): ManifestMount {
  if (m.type === "tmpfs") {
    return { type: "tmpfs", target: m.target, size: m.size ?? null, mode: m.mode ?? null };
  }
  return { type: m.type, source: m.source, target: m.target, read_only: m.readOnly };
}
