/**
 * The whole project to one recipe: services sorted by name, the volumes they use, and the
 * app-wide choices Compose makes per service (network mode, the terminal service).
 */
import {
  RECIPE_VERSION,
  type NetworkMode,
  type Recipe,
  type Service,
} from "../../appcipe/types.js";
import type { Diagnostics } from "../diagnostics.js";
import type { LoadedProject } from "../load.js";
import { child, isExternal, isMap, keyLoc, text, truthy, type YMap } from "../node.js";
import type { ProjectContext, TranslateOptions } from "./context.js";
import { translateService } from "./service.js";
import { reportUnsupportedKeys } from "./unsupported.js";

export interface TranslateInput {
  project: LoadedProject;
  options: TranslateOptions;
  diags: Diagnostics;
  appName: string;
  /** The recipe file that will be written, absolute. */
  file: string;
}

export function translateProject(input: TranslateInput): Recipe {
  const { project, diags } = input;
  reportUnsupportedKeys(project.model, diags);
  const services = serviceNodes(project.model);
  const ctx: ProjectContext = {
    diags,
    workingDir: project.workingDir,
    env: project.env,
    options: input.options,
    model: project.model,
    services: new Set(services.keys()),
    disabled: new Set(project.disabledServices),
    volumes: new Map(),
    bindVolumes: new Map(),
    linkAliases: new Map(),
  };
  const translated = [...services]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([name, node]) => {
      const s = translateService(ctx, name, node);
      return s ? [s] : [];
    });
  applyLinkAliases(translated, ctx.linkAliases);
  chooseTerminal(translated, services, diags);
  warnExternalVolumes(project.model, diags);
  return {
    version: RECIPE_VERSION,
    name: input.appName,
    oldNames: [],
    crash: "fail_fast",
    network: networkMode(project.model, services, diags),
    console: "auto",
    volumes: Object.fromEntries([...ctx.volumes.keys()].sort().map((n) => [n, { name: n }])),
    services: translated,
    file: input.file,
  };
}

function serviceNodes(model: YMap): Map<string, YMap> {
  const out = new Map<string, YMap>();
  const services = model.entries.get("services");
  if (!isMap(services)) return out;
  for (const [name, node] of services.entries) if (isMap(node)) out.set(name, node);
  return out;
}

function applyLinkAliases(services: Service[], aliases: Map<string, string[]>): void {
  for (const s of services) {
    for (const alias of aliases.get(s.name) ?? [])
      if (alias !== s.name && !s.aliases.includes(alias)) s.aliases.push(alias);
  }
}

/** Compose can attach a terminal to any number of services; an app has at most one. */
function chooseTerminal(services: Service[], nodes: Map<string, YMap>, diags: Diagnostics): void {
  let chosen: string | undefined;
  for (const s of services) {
    const node = nodes.get(s.name) as YMap;
    const key = ["tty", "stdin_open"].find((k) => truthy(node.entries.get(k)));
    if (!key) continue;
    if (!chosen) {
      chosen = s.name;
      s.interfaceMode = "terminal";
      continue;
    }
    diags.warn({
      code: "compose/terminal-taken",
      at: keyLoc(node, key),
      path: ["services", s.name, key],
      message: `service "${chosen}" already gets the terminal; this one runs without it`,
      fix: `remove ${key} here, or from "${chosen}"`,
    });
  }
}

/** host on any service gives the app the host's network; all-internal networks isolate it. */
function networkMode(model: YMap, services: Map<string, YMap>, diags: Diagnostics): NetworkMode {
  const sorted = [...services].sort(([a], [b]) => a.localeCompare(b));
  const hostUsers = sorted.filter(([name, node]) => checkNetworkMode(name, node, diags) === "host");
  warnSeveralNetworks(model, diags);
  if (hostUsers.length === 0) return allInternal(model) ? "internal" : "bridge";
  const [name, first] = hostUsers[0] as [string, YMap];
  if (hostUsers.length < services.size) {
    diags.warn({
      code: "compose/network-shared",
      at: keyLoc(first, "network_mode"),
      path: ["services", name, "network_mode"],
      message: "network_mode host on one service gives every service of the app the host's network",
      fix: "remove network_mode: host, or use it on every service",
    });
  }
  return "shared";
}

/** A service's network_mode, after reporting the modes the app cannot give one service. */
function checkNetworkMode(name: string, node: YMap, diags: Diagnostics): string | undefined {
  const raw = text(node.entries.get("network_mode"));
  if (!raw || raw === "bridge" || raw === "default") return raw;
  const where = { at: keyLoc(node, "network_mode"), path: ["services", name, "network_mode"] };
  if (node.entries.has("networks")) {
    diags.error({
      code: "compose/network-mode-with-networks",
      ...where,
      message: "network_mode and networks cannot be combined, as in docker compose",
      fix: "remove one of them",
    });
    return undefined;
  }
  if (raw === "none") {
    diags.warn({
      code: "compose/network-mode",
      ...where,
      message: "network_mode none is not supported; the service joins the app's network",
      fix: "remove network_mode",
    });
  } else if (raw !== "host") {
    diags.warn({
      code: "compose/network-mode",
      ...where,
      message: `network_mode ${raw} is not supported; the service gets its own place on the app's network and reaches the others by name`,
      fix: "remove network_mode and reach the other service by its name",
    });
  }
  return raw;
}

function declaredNetworks(model: YMap): YMap | undefined {
  const networks = model.entries.get("networks");
  return isMap(networks) ? networks : undefined;
}

function allInternal(model: YMap): boolean {
  const networks = declaredNetworks(model);
  if (!networks || networks.entries.size === 0) return false;
  return [...networks.entries.values()].every((n) => truthy(child(n, "internal")));
}

function warnSeveralNetworks(model: YMap, diags: Diagnostics): void {
  const networks = declaredNetworks(model);
  const names = networks ? [...networks.entries.keys()].filter((n) => n !== "default") : [];
  if (!networks || names.length < 2) return;
  diags.warn({
    code: "compose/networks-merged",
    at: keyLoc(model, "networks"),
    path: ["networks"],
    message: `the networks ${names.join(", ")} become one: every service can reach every other`,
    fix: "nothing to change unless services must be isolated from each other; then split the app",
  });
}

function warnExternalVolumes(model: YMap, diags: Diagnostics): void {
  const volumes = model.entries.get("volumes");
  if (!isMap(volumes)) return;
  for (const [name, def] of volumes.entries) {
    if (!isExternal(def) || !isMap(def)) continue;
    diags.warn({
      code: "compose/external-volume",
      at: keyLoc(def, "external"),
      path: ["volumes", name, "external"],
      message: "the external volume becomes a volume of the app, empty on first run",
      fix: "copy the data into the app's data directory after the first run",
    });
  }
}
