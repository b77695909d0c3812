/**
 * What every translator of a service shares: where to report, the project's directory and
 * environment, the user's flags, and the recipe volumes collected so far.
 */
import { isAbsolute, relative } from "node:path";
import type { SourceLocation } from "../../util/errors.js";
import type { Diagnostics } from "../diagnostics.js";
import type { YMap } from "../node.js";
import type { Env } from "../project-env.js";

export interface TranslateOptions {
  /** Keep bind-mounted directories as host mounts instead of volumes. */
  keepBindMounts?: boolean;
  /** Publish ports on every interface, as Docker does, instead of 127.0.0.1. */
  publishAllInterfaces?: boolean;
}

export interface ProjectContext {
  diags: Diagnostics;
  workingDir: string;
  env: Env;
  options: TranslateOptions;
  model: YMap;
  /** Names of the services written to the recipe. */
  services: Set<string>;
  /** Services disabled by profiles, for depends_on checks. */
  disabled: Set<string>;
  /** Volumes of the recipe, by name. */
  volumes: Map<string, { name: string }>;
  /** Volumes made from bind-mounted directories, by absolute host path. */
  bindVolumes: Map<string, string>;
  /** Aliases other services contribute to a service (from links). */
  linkAliases: Map<string, string[]>;
}

export interface ServiceContext extends ProjectContext {
  name: string;
  node: YMap;
}

export type Path = (string | number)[];

/** The path of a key inside the current service. */
export function servicePath(ctx: ServiceContext, ...rest: Path): Path {
  return ["services", ctx.name, ...rest];
}

/** A warning about a value of the current service. */
export function warnAt(
  ctx: ServiceContext,
  code: string,
  at: SourceLocation,
  path: Path,
  message: string,
  fix?: string,
): void {
  ctx.diags.warn({ code, at, path: servicePath(ctx, ...path), message, ...(fix ? { fix } : {}) });
}

/** An error about a value of the current service. */
export function errorAt(
  ctx: ServiceContext,
  code: string,
  at: SourceLocation,
  path: Path,
  message: string,
  fix?: string,
): void {
  ctx.diags.error({ code, at, path: servicePath(ctx, ...path), message, ...(fix ? { fix } : {}) });
}

/** A build-machine path as messages show it: relative to the project when inside it. */
export function shown(ctx: ProjectContext, path: string): string {
  const rel = relative(ctx.workingDir, path);
  if (rel === "") return ".";
  return rel.startsWith("..") || isAbsolute(rel) ? path : `./${rel}`;
}
