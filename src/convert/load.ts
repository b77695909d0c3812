/**
 * The load pipeline, as docker compose runs it: discover the files, build the project
 * environment, parse each file, resolve the project name, then per file interpolate, cast,
 * include and extend, and merge it onto the files before it. The merged model is validated
 * against the schema, its paths resolved, and profiles applied.
 */
import { readFileSync } from "node:fs";
import { readRegularFile, readFailureReason } from "../util/files.js";
import { resolve } from "node:path";
import { UserError } from "../util/errors.js";
import { Diagnostics } from "./diagnostics.js";
import { castTypes } from "./cast.js";
import { STDIN_FILE, discoverProject } from "./discover.js";
import { applyExtends } from "./extends.js";
import { applyInclude, type IncludeEntry } from "./include.js";
import { interpolateTree } from "./interpolate.js";
import { enforceUnicity, mergeProject, stripTags } from "./merge.js";
import { newMap, type YMap } from "./node.js";
import { parseCompose } from "./parse.js";
import { pathKind } from "./path-kind.js";
import { resolveModelPaths } from "./paths.js";
import { activeProfiles, applyProfiles } from "./profiles.js";
import { resolveProjectName } from "./project-name.js";
import { projectEnvironment, readEnvFiles, type Env } from "./project-env.js";
import { validateSchema } from "./schema.js";

export interface LoadOptions {
  /** `-f` files, relative to `cwd`. */
  files?: string[];
  projectDirectory?: string;
  projectName?: string;
  envFiles?: string[];
  profiles?: string[];
  cwd?: string;
  /** The OS environment; defaults to process.env. */
  env?: Record<string, string | undefined>;
}

export interface LoadedProject {
  model: YMap;
  files: string[];
  workingDir: string;
  name: string;
  env: Env;
  disabledServices: string[];
}

interface Context {
  env: Env;
  diags: Diagnostics;
  workingDir: string;
  /** Files being loaded through include, to catch cycles. */
  stack: string[];
}

/** Loads a compose project into one validated model; throws UserError on errors. */
export function loadProject(options: LoadOptions, diags: Diagnostics): LoadedProject {
  const cwd = options.cwd ?? process.cwd();
  const osEnv = options.env ?? process.env;
  // COMPOSE_FILE may come from the .env of the directory compose runs in, as in the CLI.
  const startDir = resolve(cwd, options.projectDirectory ?? ".");
  const preDiags = new Diagnostics();
  const preEnv = projectEnvironment(
    { osEnv, workingDir: startDir, cwd, envFiles: options.envFiles },
    preDiags,
  );
  const found = discoverProject({ ...options, cwd, env: preEnv }, diags);
  // Read .env again only when the project turned out to live elsewhere.
  const sameDir = found.workingDir === startDir;
  if (sameDir) diags.items.push(...preDiags.items);
  const env = sameDir
    ? preEnv
    : projectEnvironment(
        { osEnv, workingDir: found.workingDir, cwd, envFiles: options.envFiles },
        diags,
      );
  const parsed = found.files.map((file) => ({ file, docs: readDocs(file, diags) }));
  diags.throwIfErrors("cannot parse the compose files");
  const name = resolveProjectName(
    {
      flag: options.projectName,
      env,
      docs: parsed.flatMap((p) => p.docs),
      workingDir: found.workingDir,
    },
    diags,
  );
  env.COMPOSE_PROJECT_NAME = name;
  const ctx: Context = { env, diags, workingDir: found.workingDir, stack: found.files };
  const model = mergeFiles(parsed, ctx);
  diags.throwIfErrors("cannot load the compose project");
  return finish(model, found, name, env, options.profiles, diags);
}

function finish(
  model: YMap,
  found: { files: string[]; workingDir: string },
  name: string,
  env: Env,
  profiles: string[] | undefined,
  diags: Diagnostics,
): LoadedProject {
  validateSchema(model, diags);
  diags.throwIfErrors("the compose project does not match the compose specification");
  resolveModelPaths(model, found.workingDir);
  const disabledServices = applyProfiles(model, activeProfiles(profiles, env));
  return { model, files: found.files, workingDir: found.workingDir, name, env, disabledServices };
}

function readDocs(file: string, diags: Diagnostics): YMap[] {
  let text: string;
  try {
    text = file === STDIN_FILE ? readFileSync(0, "utf8") : readRegularFile(file);
  } catch (error) {
    throw new UserError(`cannot read compose file ${file}: ${readFailureReason(error)}`, {
      fix: "check the path and its permissions",
      cause: error,
    });
  }
  return parseCompose(file, text, diags);
}

function mergeFiles(parsed: { file: string; docs: YMap[] }[], ctx: Context): YMap {
  let model = newMap({ file: parsed[0]?.file ?? "", line: 1, col: 1 });
  for (const { file, docs } of parsed) {
    for (const doc of docs) model = mergeProject(model, processDoc(doc, file, ctx));
  }
  stripTags(model);
  enforceUnicity(model);
  return model;
}

/** One file's document through interpolation, casting, include and extends. */
function processDoc(doc: YMap, file: string, ctx: Context): YMap {
  interpolateTree(doc, (k) => ctx.env[k], ctx.diags);
  castTypes(doc, ctx.diags);
  const withIncludes = applyInclude(doc, ctx.workingDir, {
    diags: ctx.diags,
    loadIncluded: (entry) => loadIncluded(entry, ctx),
  });
  applyExtends(withIncludes, file, ctx.workingDir, {
    diags: ctx.diags,
    readFile: (other) => readInterpolated(other, ctx),
  });
  return withIncludes;
}

/** Another file for extends: parsed, interpolated and cast with the same environment. */
function readInterpolated(file: string, ctx: Context): YMap | undefined {
  let docs: YMap[];
  try {
    docs = readDocs(file, ctx.diags);
  } catch {
    return undefined;
  }
  let model = newMap({ file, line: 1, col: 1 });
  for (const doc of docs) {
    interpolateTree(doc, (k) => ctx.env[k], ctx.diags);
    castTypes(doc, ctx.diags);
    model = mergeProject(model, doc);
  }
  return model;
}

/** An included project: its own directory and .env, under the including environment. */
function loadIncluded(entry: IncludeEntry, ctx: Context): YMap | undefined {
  const cycle = entry.files.find((f) => ctx.stack.includes(f));
  if (cycle) {
    ctx.diags.error({
      code: "compose/include-cycle",
      at: entry.at.loc,
      path: ["include"],
      message: `including ${cycle} forms a cycle`,
      fix: "remove this include",
    });
    return undefined;
  }
  const env = includedEnv(entry, ctx);
  const sub: Context = {
    env,
    diags: ctx.diags,
    workingDir: entry.projectDir,
    stack: [...ctx.stack, ...entry.files],
  };
  const parsed = entry.files.map((file) => ({ file, docs: safeDocs(file, entry, ctx) }));
  const model = mergeFiles(parsed, sub);
  resolveModelPaths(model, entry.projectDir);
  return model;
}

function safeDocs(file: string, entry: IncludeEntry, ctx: Context): YMap[] {
  try {
    return readDocs(file, ctx.diags);
  } catch {
    ctx.diags.error({
      code: "compose/include-missing",
      at: entry.at.loc,
      path: ["include"],
      message: `cannot read the included file ${file}`,
      fix: "check the include path",
    });
    return [];
  }
}

function includedEnv(entry: IncludeEntry, ctx: Context): Env {
  const files = entry.envFiles ?? [`${entry.projectDir}/.env`];
  const readable = files.filter((f) => pathKind(f) === "file");
  const own = readEnvFiles(readable, ctx.env, ctx.diags);
  return { ...own, ...ctx.env };
}
