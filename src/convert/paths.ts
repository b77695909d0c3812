/**
 * Relative paths in a compose file resolve against the project's working directory, except
 * in a file reached through `extends: {file}` or `include`, whose paths resolve against that
 * file's own directory. This makes every local path absolute against a given directory.
 */
import { isAbsolute, resolve } from "node:path";
import { isMap, isScalar, isSeq, scalar, type YMap, type YNode } from "./node.js";

/** True for a build context that is a URL or git reference rather than a directory. */
export function isRemoteContext(path: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(path) || path.startsWith("git@");
}

function absolutize(node: YNode | undefined, dir: string): YNode | undefined {
  if (!isScalar(node) || typeof node.value !== "string") return node;
  const p = node.value;
  if (p === "" || isAbsolute(p) || p.startsWith("~") || isRemoteContext(p)) return node;
  return { ...scalar(resolve(dir, p), node.loc) };
}

function setField(map: YMap, key: string, dir: string): void {
  const v = absolutize(map.entries.get(key), dir);
  if (v) map.entries.set(key, v);
}

/** Makes the local paths of a service absolute against `dir`, in place. */
export function resolveServicePaths(service: YMap, dir: string): void {
  const build = service.entries.get("build");
  if (isScalar(build)) setField(service, "build", dir);
  if (isMap(build)) setField(build, "context", dir);
  resolveList(service, "env_file", dir, "path");
  resolveList(service, "label_file", dir, "path");
  resolveVolumes(service.entries.get("volumes"), dir);
  const ext = service.entries.get("extends");
  if (isMap(ext)) setField(ext, "file", dir);
}

function resolveList(service: YMap, key: string, dir: string, field: string): void {
  const node = service.entries.get(key);
  if (isScalar(node)) setField(service, key, dir);
  if (!isSeq(node)) return;
  node.items = node.items.map((item) => {
    if (isMap(item)) setField(item, field, dir);
    return absolutize(item, dir) ?? item;
  });
}

function resolveVolumes(node: YNode | undefined, dir: string): void {
  if (!isSeq(node)) return;
  node.items = node.items.map((item) => {
    if (isMap(item)) {
      if (item.entries.get("type") && (item.entries.get("type") as YNode).kind === "scalar") {
        const type = (item.entries.get("type") as { value: unknown }).value;
        if (type === "bind") setField(item, "source", dir);
      }
      return item;
    }
    if (!isScalar(item) || typeof item.value !== "string") return item;
    const raw = item.value;
    if (!raw.startsWith(".")) return item;
    const colon = raw.indexOf(":");
    const source = colon < 0 ? raw : raw.slice(0, colon);
    const rest = colon < 0 ? "" : raw.slice(colon);
    return colon < 0 ? item : scalar(resolve(dir, source) + rest, item.loc);
  });
}

/** Makes the `file` sources of top-level configs and secrets absolute against `dir`. */
export function resolveResourcePaths(model: YMap, dir: string): void {
  for (const kind of ["configs", "secrets"]) {
    const group = model.entries.get(kind);
    if (!isMap(group)) continue;
    for (const def of group.entries.values()) if (isMap(def)) setField(def, "file", dir);
  }
}

/** Resolves every service and resource path of a model against `dir`. */
export function resolveModelPaths(model: YMap, dir: string): void {
  const services = model.entries.get("services");
  if (isMap(services)) {
    for (const s of services.entries.values()) if (isMap(s)) resolveServicePaths(s, dir);
  }
  resolveResourcePaths(model, dir);
}
