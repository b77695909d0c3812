/**
 * The project environment: the variables interpolation reads and bare `environment:` keys
 * take their values from. The OS environment always wins; `.env` (or `--env-file`, or
 * COMPOSE_ENV_FILES) only fills what the OS left unset, with later env files winning over
 * earlier ones. COMPOSE_DISABLE_ENV_FILE turns the default `.env` off.
 */
import { readRegularFile, readFailureReason } from "../util/files.js";
import { basename, resolve } from "node:path";
import { UserError } from "../util/errors.js";
import type { Diagnostics } from "./diagnostics.js";
import { DotenvError, parseDotenv, type UnsetRead } from "./dotenv.js";
import { pathKind } from "./path-kind.js";

export type Env = Record<string, string>;

export interface EnvInput {
  osEnv: Record<string, string | undefined>;
  workingDir: string;
  cwd: string;
  envFiles?: string[];
}

/** Builds the project environment from the OS environment and the env files. */
export function projectEnvironment(input: EnvInput, diags: Diagnostics): Env {
  const env: Env = {};
  for (const [k, v] of Object.entries(input.osEnv)) if (v !== undefined) env[k] = v;
  if (!env.PWD) env.PWD = input.workingDir;
  const fromFiles = readEnvFiles(envFileList(input), env, diags);
  for (const [k, v] of Object.entries(fromFiles)) if (!(k in env)) env[k] = v;
  return env;
}

function envFileList(input: EnvInput): string[] {
  if (input.envFiles?.length) return input.envFiles.map((f) => resolve(input.cwd, f));
  const listed = input.osEnv.COMPOSE_ENV_FILES;
  if (listed) return listed.split(",").map((f) => resolve(input.cwd, f.trim()));
  if (["1", "true"].includes((input.osEnv.COMPOSE_DISABLE_ENV_FILE ?? "").toLowerCase())) {
    return [];
  }
  const dotenv = resolve(input.workingDir, ".env");
  return pathKind(dotenv) === "file" ? [dotenv] : [];
}

/** Reads env files in order into one map; lookups see the OS first, then earlier keys. */
export function readEnvFiles(files: string[], osEnv: Env, diags: Diagnostics): Env {
  const acc: Env = {};
  for (const file of files) {
    const text = readEnvText(file);
    const result = parseEnvText(file, text, (k) => osEnv[k] ?? acc[k]);
    Object.assign(acc, result.values);
    warnUnsetInFile(file, result.unset, diags);
  }
  return acc;
}

function readEnvText(file: string): string {
  try {
    return readRegularFile(file);
  } catch (error) {
    throw new UserError(`cannot read env file ${file}: ${readFailureReason(error)}`, {
      fix: "create the file, or stop naming it with --env-file",
      cause: error,
    });
  }
}

/** Parses an env file, turning a parse failure into an error at its line. */
export function parseEnvText(
  file: string,
  text: string,
  lookup: (k: string) => string | undefined,
): ReturnType<typeof parseDotenv> {
  try {
    return parseDotenv(text, lookup);
  } catch (error) {
    if (!(error instanceof DotenvError)) throw error;
    throw new UserError(`env file ${basename(file)} cannot be read: ${error.message}`, {
      problems: [
        {
          code: "compose/env-file-syntax",
          severity: "error",
          location: { file, line: error.line, col: 1 },
          message: error.message,
          fix: "write each line as KEY=VALUE; quote values that span lines",
        },
      ],
    });
  }
}

/** Warns once per variable an env file read while it was unset, at the line reading it. */
export function warnUnsetInFile(file: string, unset: UnsetRead[], diags: Diagnostics): void {
  const seen = new Set<string>();
  for (const { name, line } of unset) {
    if (seen.has(name)) continue;
    seen.add(name);
    diags.warn({
      code: "compose/unset-variable",
      at: { file, line, col: 1 },
      message: `the "${name}" variable is not set; it defaults to a blank string`,
      fix: `set ${name} in the environment or earlier in this file`,
    });
  }
}
