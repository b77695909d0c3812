/**
 * Phase 3b: `extends`. A service starts from a deep copy of its base (in the same file or in
 * another one) and its own definition is merged on top with the multi-file merge rules.
 * Resources the base refers to are not imported. Cycles are errors.
 */
import { resolve } from "node:path";
import type { Diagnostics } from "./diagnostics.js";
import { mergeService } from "./merge.js";
import { clone, isMap, isScalar, keyLoc, text, type YMap, type YNode } from "./node.js";
import { resolveModelPaths } from "./paths.js";

export interface ExtendsContext {
  diags: Diagnostics;
  /** Reads, interpolates and casts another compose file. */
  readFile: (file: string) => YMap | undefined;
}

interface Scope {
  file: string;
  /** Directory a relative `extends.file` resolves against. */
  dir: string;
  services: YMap;
}

/** Resolves every `extends` of a file's services in place. */
export function applyExtends(model: YMap, file: string, dir: string, ctx: ExtendsContext): void {
  const services = model.entries.get("services");
  if (!isMap(services)) return;
  const scope: Scope = { file, dir, services };
  for (const name of [...services.entries.keys()]) resolveService(scope, name, [], ctx);
}

function resolveService(
  scope: Scope,
  name: string,
  chain: string[],
  ctx: ExtendsContext,
): YMap | undefined {
  const node = scope.services.entries.get(name);
  if (!isMap(node)) return undefined;
  const ext = node.entries.get("extends");
  if (!ext) return node;
  const id = `${scope.file}#${name}`;
  if (chain.includes(id)) {
    ctx.diags.error({
      code: "compose/extends-cycle",
      at: ext.loc,
      path: ["services", name, "extends"],
      message: `extends forms a cycle: ${[...chain, id].map((c) => c.split("#")[1]).join(" -> ")}`,
      fix: "remove one of the extends in the cycle",
    });
    return undefined;
  }
  const base = findBase(scope, name, ext, [...chain, id], ctx);
  node.entries.delete("extends");
  if (!base) return node;
  const merged = mergeService(clone(base), node);
  if (isMap(merged)) scope.services.entries.set(name, merged);
  return isMap(merged) ? merged : node;
}

function findBase(
  scope: Scope,
  name: string,
  ext: YNode,
  chain: string[],
  ctx: ExtendsContext,
): YMap | undefined {
  const target = isScalar(ext)
    ? text(ext)
    : text(isMap(ext) ? ext.entries.get("service") : undefined);
  const file = isMap(ext) ? text(ext.entries.get("file")) : undefined;
  const where = { at: ext.loc, path: ["services", name, "extends"] };
  if (!target) {
    ctx.diags.error({
      code: "compose/extends-invalid",
      ...where,
      message: "extends names no service",
      fix: "write extends: {service: NAME}",
    });
    return undefined;
  }
  const other = file ? otherScope(resolve(scope.dir, file), ctx) : scope;
  if (!other) {
    ctx.diags.error({
      code: "compose/extends-file",
      ...where,
      message: `cannot read the extended file ${file}`,
      fix: "check extends.file",
    });
    return undefined;
  }
  const base = resolveService(other, target, chain, ctx);
  if (!base) missingBase(other, name, target, ext, ctx);
  return base;
}

function missingBase(
  scope: Scope,
  name: string,
  target: string,
  ext: YNode,
  ctx: ExtendsContext,
): void {
  if (scope.services.entries.has(target)) return;
  ctx.diags.error({
    code: "compose/extends-unknown-service",
    at: isMap(ext) ? keyLoc(ext, "service") : ext.loc,
    path: ["services", name, "extends"],
    message: `the extended service "${target}" is not defined in ${scope.file}`,
    fix: "name a service defined in that file",
  });
}

const scopes = new WeakMap<ExtendsContext, Map<string, Scope | null>>();

/** Another file's services, with paths made absolute against that file's directory. */
function otherScope(file: string, ctx: ExtendsContext): Scope | undefined {
  const cache = scopes.get(ctx) ?? new Map<string, Scope | null>();
  scopes.set(ctx, cache);
  const cached = cache.get(file);
  if (cached !== undefined) return cached ?? undefined;
  const model = ctx.readFile(file);
  const services = model?.entries.get("services");
  const dir = resolve(file, "..");
  if (model) resolveModelPaths(model, dir);
  const scope = isMap(services) ? { file, dir, services } : undefined;
  cache.set(file, scope ?? null);
  return scope;
}
