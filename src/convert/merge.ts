/**
 * Phase 4: merging compose files (and extends bases) the way docker compose does. Mappings
 * merge recursively, scalars are replaced, sequences are appended; some attributes have their
 * own rule (see RULES). `!reset` removes an attribute, `!override` replaces it whole.
 */
import {
  clone,
  isMap,
  isScalar,
  isSeq,
  newMap,
  scalar,
  text,
  type YMap,
  type YNode,
} from "./node.js";

type Rule = "replace" | "map" | "unique" | "logging" | "build" | "hosts";

/** Rules by path inside a service; `*` matches any key. Everything else uses the default. */
const SERVICE_RULES: Record<string, Rule> = {
  command: "replace",
  entrypoint: "replace",
  "healthcheck.test": "replace",
  environment: "map",
  labels: "map",
  annotations: "map",
  "build.args": "map",
  "build.labels": "map",
  "build.additional_contexts": "map",
  "deploy.labels": "map",
  sysctls: "map",
  depends_on: "map",
  networks: "map",
  models: "map",
  build: "build",
  logging: "logging",
  volumes: "unique",
  devices: "unique",
  secrets: "unique",
  configs: "unique",
  ports: "unique",
  expose: "unique",
  cap_add: "unique",
  cap_drop: "unique",
  links: "unique",
  external_links: "unique",
  profiles: "unique",
  dns: "unique",
  dns_opt: "unique",
  dns_search: "unique",
  tmpfs: "unique",
  env_file: "unique",
  label_file: "unique",
  extra_hosts: "hosts",
  "ulimits.*": "replace",
  "networks.*.aliases": "unique",
  "build.tags": "unique",
  "build.platforms": "unique",
};

function ruleFor(path: string[]): Rule | undefined {
  const exact = SERVICE_RULES[path.join(".")];
  if (exact) return exact;
  if (path.length === 2) return SERVICE_RULES[`${path[0]}.*`];
  if (path.length === 3) return SERVICE_RULES[`${path[0]}.*.${path[2]}`];
  return undefined;
}

/** Merges one compose file's top level onto the accumulated one; neither input is changed. */
export function mergeProject(base: YMap, over: YMap): YMap {
  const out = clone(base);
  for (const [key, value] of over.entries) {
    const prev = out.entries.get(key);
    if (value.tag === "reset") {
      out.entries.delete(key);
      continue;
    }
    const merged =
      key === "services" && isMap(prev) && isMap(value) && value.tag !== "override"
        ? mergeServices(prev, value)
        : mergeGeneric(prev, value);
    setKeepingLoc(out, over, key, merged);
  }
  return out;
}

function mergeServices(base: YMap, over: YMap): YMap {
  const out = clone(base);
  for (const [name, service] of over.entries) {
    const prev = out.entries.get(name);
    if (service.tag === "reset") {
      out.entries.delete(name);
      continue;
    }
    const merged = isMap(prev) && isMap(service) ? mergeService(prev, service) : clone(service);
    setKeepingLoc(out, over, name, merged);
  }
  return out;
}

/** Merges a service definition onto another: the override file's or the extending one's. */
export function mergeService(base: YMap, over: YMap): YNode {
  if (over.tag === "override") return clone(over);
  return mergeAt([], base, over);
}

function setKeepingLoc(out: YMap, over: YMap, key: string, value: YNode): void {
  out.entries.set(key, value);
  if (!out.keyLocs.has(key)) out.keyLocs.set(key, over.keyLocs.get(key) ?? value.loc);
}

function mergeGeneric(base: YNode | undefined, over: YNode): YNode {
  if (!base || over.tag === "override") return clone(over);
  if (isMap(base) && isMap(over)) return mergeMaps([], base, over, false);
  if (isSeq(base) && isSeq(over))
    return { ...clone(base), items: [...clone(base).items, ...clone(over).items] };
  return clone(over);
}

function mergeAt(path: string[], base: YNode | undefined, over: YNode): YNode {
  if (!base || over.tag === "override") return clone(over);
  switch (ruleFor(path)) {
    case "replace":
      return clone(over);
    case "map":
      return mergeMaps(path, toMap(base), toMap(over), true);
    case "unique":
      return mergeUnique(path, base, over);
    case "logging":
      return mergeLogging(path, base, over);
    case "build":
      return mergeMaps(path, buildMap(base), buildMap(over), true);
    case "hosts":
      return mergeUnique(path, hostList(base), hostList(over));
  }
  if (isMap(base) && isMap(over)) return mergeMaps(path, base, over, true);
  if (isSeq(base) && isSeq(over)) return mergeUnique(path, base, over);
  return clone(over);
}

function mergeMaps(path: string[], base: YMap, over: YMap, service: boolean): YMap {
  const out = clone(base);
  for (const [key, value] of over.entries) {
    if (value.tag === "reset") {
      out.entries.delete(key);
      continue;
    }
    const prev = out.entries.get(key);
    const merged = service ? mergeAt([...path, key], prev, value) : mergeGeneric(prev, value);
    setKeepingLoc(out, over, key, merged);
  }
  return out;
}

/** `KEY=VAL` lists and plain lists of names become mappings so they merge by key. */
export function toMap(node: YNode): YMap {
  if (isMap(node)) return node;
  const out = newMap(node.loc);
  if (!isSeq(node)) return out;
  for (const item of node.items) {
    const raw = text(item);
    if (raw === undefined) continue;
    const eq = raw.indexOf("=");
    const key = eq < 0 ? raw : raw.slice(0, eq);
    const value = eq < 0 ? scalar(null, item.loc) : scalar(raw.slice(eq + 1), item.loc);
    out.entries.set(key, value);
    out.keyLocs.set(key, item.loc);
  }
  return out;
}

/** extra_hosts as `host=ip` entries, whichever form was written, so both forms append. */
function hostList(node: YNode): YNode {
  if (!isMap(node)) return node;
  const items: YNode[] = [];
  for (const [host, value] of node.entries) {
    const ips = isSeq(value) ? value.items : [value];
    for (const ip of ips) items.push(scalar(`${host}=${text(ip) ?? ""}`, ip.loc));
  }
  return { kind: "seq", items, loc: node.loc };
}

function buildMap(node: YNode): YMap {
  if (isMap(node)) return node;
  const out = newMap(node.loc);
  out.entries.set("context", node);
  out.keyLocs.set("context", node.loc);
  return out;
}

function mergeUnique(path: string[], base: YNode, over: YNode): YNode {
  if (!isSeq(base) || !isSeq(over)) return clone(over);
  const out = clone(base);
  out.items = [];
  const index = new Map<string, number>();
  for (const item of [...base.items, ...over.items]) {
    const key = uniqueKey(path, item);
    const at = key === undefined ? undefined : index.get(key);
    if (at !== undefined) out.items[at] = clone(item);
    else {
      if (key !== undefined) index.set(key, out.items.length);
      out.items.push(clone(item));
    }
  }
  return out;
}

/** The key docker compose de-duplicates a list attribute by, after appending. */
export function uniqueKey(path: string[], item: YNode): string | undefined {
  const attr = path[path.length - 1];
  if (isScalar(item)) return scalarKey(attr, text(item) ?? "");
  if (!isMap(item)) return undefined;
  return mapKey(attr, item);
}

function scalarKey(attr: string | undefined, raw: string): string {
  switch (attr) {
    case "volumes":
      return volumeTarget(raw);
    case "secrets":
      return `/run/secrets/${raw}`;
    case "configs":
      return `/${raw}`;
    case "devices": {
      const parts = raw.split(":");
      return parts[1] ?? parts[0] ?? raw;
    }
    case "ports":
    case "extra_hosts":
    case "env_file":
      return raw;
    default:
      return raw.split("=")[0] ?? raw;
  }
}

function mapKey(attr: string | undefined, item: YMap): string | undefined {
  const field = (k: string) => text(item.entries.get(k));
  switch (attr) {
    case "volumes":
    case "devices":
      return field("target");
    case "secrets":
      return field("target") ?? `/run/secrets/${field("source") ?? ""}`;
    case "configs":
      return field("target") ?? `/${field("source") ?? ""}`;
    case "ports":
      return `${field("host_ip") ?? ""}:${field("published") ?? ""}:${field("target") ?? ""}/${field("protocol") ?? "tcp"}`;
    case "env_file":
      return field("path");
    default:
      return undefined;
  }
}

/** The container path of a short volume, `SRC:DST[:OPTS]` or just `DST`. */
function volumeTarget(raw: string): string {
  const parts = raw.split(":");
  return parts.length === 1 ? raw : (parts[1] ?? raw);
}

/** Logging options merge only when both sides use the same driver or one omits it. */
function mergeLogging(path: string[], base: YNode, over: YNode): YNode {
  if (!isMap(base) || !isMap(over)) return clone(over);
  const a = text(base.entries.get("driver"));
  const b = text(over.entries.get("driver"));
  if (a && b && a !== b) return clone(over);
  return mergeMaps(path, base, over, true);
}

/** Drops `!reset` attributes and forgets tags once merging is over. */
export function stripTags(node: YNode): void {
  delete node.tag;
  if (isSeq(node)) {
    node.items = node.items.filter((i) => i.tag !== "reset");
    node.items.forEach(stripTags);
  }
  if (!isMap(node)) return;
  for (const [k, v] of [...node.entries]) {
    if (v.tag === "reset") node.entries.delete(k);
    else stripTags(v);
  }
}

/**
 * De-duplicates list attributes of every service, as compose-go's EnforceUnicity does after
 * each file: a later entry with the same key replaces an earlier one in place.
 */
export function enforceUnicity(model: YMap): void {
  const services = model.entries.get("services");
  if (!isMap(services)) return;
  for (const service of services.entries.values()) {
    if (!isMap(service)) continue;
    for (const [key, value] of service.entries) {
      const rule = ruleFor([key]);
      if ((rule === "unique" || rule === "hosts") && isSeq(value)) {
        service.entries.set(key, mergeUnique([key], { ...value, items: [] }, value));
      }
    }
  }
}
