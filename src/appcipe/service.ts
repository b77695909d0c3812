import type { Command, InterfaceMode, Service } from "./types.js";
import { child, entries, fail, isStr, type Ctx, type Obj } from "./context.js";
import type { Segment } from "./source.js";
import { checkEnvKey, checkHostname, containerPath } from "./names.js";
import { scalarText } from "./scalar-text.js";
import { CAPABILITIES, canonicalCapability } from "./capabilities.js";
import { closest } from "./did-you-mean.js";
import { normalizeImage } from "./image.js";
import { normalizeMounts } from "./mounts.js";
import { normalizeFiles } from "./files.js";
import {
  normalizeAliases,
  normalizeExpose,
  normalizeExtraHosts,
  normalizePorts,
} from "./service-network.js";
import {
  normalizeDependsOn,
  normalizeHealthcheck,
  normalizeRestart,
  normalizeSignal,
  readDuration,
} from "./service-lifecycle.js";

/**
 * One service, every shorthand expanded. When its image has a problem the service is still
 * returned, so the checks across services run; the recipe is then discarded anyway.
 */
export function normalizeService(
  ctx: Ctx,
  name: string,
  svc: Obj,
  path: Segment[],
  declared: Set<string>,
): Service {
  const at = (key: string) => child(path, key);
  const image = normalizeImage(ctx, svc.image, at("image"));
  return {
    name,
    image: image ?? { source: "image", ref: "" },
    ...processFields(ctx, svc, at),
    mounts: normalizeMounts(ctx, svc, path, { service: name, declared }),
    files: normalizeFiles(ctx, svc.files, at("files")),
    ...networkFields(ctx, svc, at),
    interfaceMode: (isStr(svc.interface_mode) ? svc.interface_mode : "none") as InterfaceMode,
    ...lifecycleFields(ctx, svc, at),
    init: svc.init === true,
    gpu: normalizeGpu(ctx, svc.gpu, at("gpu")),
    ...confinementFields(ctx, svc, at),
  };
}

type At = (key: string) => Segment[];

/** What runs, and as whom: entrypoint, cmd, workdir, user, env. */
function processFields(ctx: Ctx, svc: Obj, at: At) {
  const workdir = isStr(svc.workdir)
    ? containerPath(ctx, svc.workdir, at("workdir"), "workdir")
    : undefined;
  return {
    ...optional("entrypoint", command(svc.entrypoint)),
    ...optional("cmd", command(svc.cmd)),
    ...optional("workdir", workdir),
    ...optional("user", normalizeUser(ctx, svc.user, at("user"))),
    env: normalizeEnv(ctx, svc.env, at("env")),
  };
}

/** How the service is reached: ports, expose, hostname, aliases, extra_hosts. */
function networkFields(ctx: Ctx, svc: Obj, at: At) {
  const hostname =
    isStr(svc.hostname) && checkHostname(ctx, svc.hostname, at("hostname"))
      ? svc.hostname
      : undefined;
  return {
    ports: normalizePorts(ctx, svc.ports, at("ports")),
    expose: normalizeExpose(ctx, svc.expose, at("expose")),
    ...optional("hostname", hostname),
    aliases: normalizeAliases(ctx, svc.aliases, at("aliases")),
    extraHosts: normalizeExtraHosts(ctx, svc.extra_hosts, at("extra_hosts")),
  };
}

/** When it starts, when it is ready, and how it restarts and stops. */
function lifecycleFields(ctx: Ctx, svc: Obj, at: At) {
  const grace = readDuration(ctx, svc.stop_grace_period, at("stop_grace_period"));
  return {
    dependsOn: normalizeDependsOn(svc.depends_on),
    ...optional("healthcheck", normalizeHealthcheck(ctx, svc.healthcheck, at("healthcheck"))),
    restart: normalizeRestart(ctx, svc.restart, at("restart")),
    ...optional("stopSignal", normalizeSignal(ctx, svc.stop_signal, at("stop_signal"))),
    ...optional("stopGracePeriodMs", grace),
  };
}

/** `{ key: value }` when value is defined, so optional fields stay absent rather than undefined. */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** A string runs through `/bin/sh -c` (Dockerfile shell form); a list is argv. */
function command(value: unknown): Command | undefined {
  if (isStr(value)) return { shell: value };
  return Array.isArray(value) ? { argv: value.map(String) } : undefined;
}

function normalizeUser(ctx: Ctx, value: unknown, path: Segment[]): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (/^[A-Za-z0-9_.][A-Za-z0-9_.-]*(:[A-Za-z0-9_.][A-Za-z0-9_.-]*)?$/.test(text)) return text;
  return fail(ctx, {
    code: "recipe/bad-user",
    path,
    message: `\`${text}\` is not a user`,
    fix: 'write a user name or id, optionally with a group: "1000:1000" or "app"',
  });
}

/** `env:` as a mapping or a list of `KEY=VALUE`; numbers and booleans become their text. */
function normalizeEnv(ctx: Ctx, value: unknown, path: Segment[]): Record<string, string> {
  const pairs: [string, unknown, Segment[]][] = Array.isArray(value)
    ? value.filter(isStr).map((line, i) => splitEnv(line, child(path, i)))
    : entries(value).map(([k, v]) => [k, v, child(path, k)]);
  const env: Record<string, string> = {};
  for (const [key, val, at] of pairs) {
    if (!checkEnvKey(ctx, key, at)) continue;
    if (val === null || val === undefined) {
      fail(ctx, {
        code: "recipe/env-without-value",
        path: at,
        message: `\`${key}\` has no value; the app does not read the build machine's environment`,
        fix: `give it a value: ${key}: "..."`,
      });
      continue;
    }
    env[key] = scalarText(ctx, val, at);
  }
  return env;
}

function splitEnv(line: string, path: Segment[]): [string, unknown, Segment[]] {
  const eq = line.indexOf("=");
  return eq < 0 ? [line, undefined, path] : [line.slice(0, eq), line.slice(eq + 1), path];
}

function normalizeGpu(ctx: Ctx, value: unknown, path: Segment[]): boolean | number[] {
  if (!Array.isArray(value)) return value === true;
  const ids = value.filter((v): v is number => typeof v === "number");
  if (new Set(ids).size !== ids.length)
    fail(ctx, {
      code: "recipe/bad-gpu",
      path,
      message: "a GPU is listed twice",
      fix: "list each GPU index once",
    });
  if (ids.length === 0)
    fail(ctx, {
      code: "recipe/bad-gpu",
      path,
      message: "the GPU list is empty",
      fix: "write `gpu: false` for no GPU, `gpu: true` for all, or list indexes: [0, 1]",
    });
  return [...new Set(ids)];
}

/** Capabilities and the seccomp filter: absent when the defaults apply. */
function confinementFields(ctx: Ctx, svc: Obj, at: At) {
  return {
    ...optional("capAdd", normalizeCapabilities(ctx, svc.cap_add, at("cap_add"))),
    ...optional("capDrop", normalizeCapabilities(ctx, svc.cap_drop, at("cap_drop"))),
    ...optional("privileged", svc.privileged === true ? true : undefined),
    ...optional("seccomp", svc.seccomp === "unconfined" ? ("unconfined" as const) : undefined),
  };
}

function normalizeCapabilities(ctx: Ctx, value: unknown, path: Segment[]): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: string[] = [];
  value.filter(isStr).forEach((name, i) => {
    const canonical = canonicalCapability(name);
    if (canonical) {
      if (!out.includes(canonical)) out.push(canonical);
      return;
    }
    const near = closest(`CAP_${name.toUpperCase().replace(/^CAP_/, "")}`, CAPABILITIES);
    fail(ctx, {
      code: "recipe/unknown-capability",
      path: child(path, i),
      message: `\`${name}\` is not a Linux capability`,
      fix: near ? `did you mean ${near.slice(4)}?` : "write a name such as NET_ADMIN, or ALL",
    });
  });
  return out;
}
