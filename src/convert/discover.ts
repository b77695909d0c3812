/**
 * Phase 0: which compose files make up the project, and its working directory. Mirrors the
 * docker compose CLI: `-f` files, else COMPOSE_FILE, else the first of compose.yaml,
 * compose.yml, docker-compose.yml, docker-compose.yaml found in the directory or a parent,
 * plus its override file. Relative paths in every file resolve against the working directory.
 */
import { dirname, resolve } from "node:path";
import { UserError } from "../util/errors.js";
import type { Diagnostics } from "./diagnostics.js";
import { pathKind } from "./path-kind.js";

const CANDIDATES = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];
const OVERRIDES = [
  "compose.override.yml",
  "compose.override.yaml",
  "docker-compose.override.yml",
  "docker-compose.override.yaml",
];

export interface DiscoverInput {
  files?: string[];
  projectDirectory?: string;
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface Discovered {
  files: string[];
  workingDir: string;
}

/** Finds the compose files and the working directory, or fails naming what was searched. */
export function discoverProject(input: DiscoverInput, diags: Diagnostics): Discovered {
  const explicit = input.files?.length ? input.files : composeFileEnv(input.env);
  const files = explicit.length
    ? explicit.map((f) => (f === "-" ? STDIN_FILE : resolve(input.cwd, f)))
    : searchDefault(resolve(input.cwd, input.projectDirectory ?? "."), diags);
  for (const f of files) if (f !== STDIN_FILE) requireFile(f);
  // Docker compose resolves a project read from stdin against the current directory.
  const first = files[0] === STDIN_FILE ? resolve(input.cwd, STDIN_FILE) : (files[0] as string);
  const workingDir = input.projectDirectory
    ? resolve(input.cwd, input.projectDirectory)
    : dirname(first);
  return { files, workingDir };
}

/** How `-f -`, a compose file read from standard input, is named in diagnostics. */
export const STDIN_FILE = "(stdin)";

/** COMPOSE_FILE lists files separated by COMPOSE_PATH_SEPARATOR, or ':' on Linux. */
function composeFileEnv(env: Record<string, string | undefined>): string[] {
  const value = env.COMPOSE_FILE;
  if (!value) return [];
  const sep = env.COMPOSE_PATH_SEPARATOR || ":";
  return value.split(sep).filter((f) => f !== "");
}

function searchDefault(start: string, diags: Diagnostics): string[] {
  for (let dir = start; ; dir = dirname(dir)) {
    const found = CANDIDATES.map((c) => resolve(dir, c)).filter((f) => pathKind(f) === "file");
    if (found.length > 0) return withOverride(found, dir, diags);
    if (dirname(dir) === dir) break;
  }
  throw new UserError(`no compose file found in ${start} or any parent directory`, {
    fix: `create compose.yaml there, or name the file with -f (looked for ${CANDIDATES.join(", ")})`,
  });
}

function withOverride(found: string[], dir: string, diags: Diagnostics): string[] {
  const main = found[0] as string;
  if (found.length > 1) {
    diags.warn({
      code: "compose/multiple-config-files",
      at: { file: main, line: 1, col: 1 },
      message: `found several compose files (${found.map((f) => f.slice(dir.length + 1)).join(", ")}); using this one`,
      fix: "remove the others, or name the file to use with -f",
    });
  }
  const override = OVERRIDES.map((o) => resolve(dir, o)).find((f) => pathKind(f) === "file");
  return override ? [main, override] : [main];
}

function requireFile(path: string): void {
  if (pathKind(path) === "file") return;
  throw new UserError(`compose file ${path} does not exist or is not a file`, {
    fix: "check the path given with -f or COMPOSE_FILE",
  });
}
