/**
 * What the TypeScript fuzzers feed: the compose loader (convertProject over a file on disk,
 * as `chefer from-compose` reads it) and the recipe parser (parseRecipe over text, as
 * `chefer check` reads it). A target returns the problems it reported; only a UserError may
 * escape it, anything else is a bug the fuzzer reports.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { convertProject } from "../../src/convert/index.js";
import { parseRecipe } from "../../src/appcipe/load.js";
import { UserError, type Problem } from "../../src/util/errors.js";

export type Kind = "compose" | "recipe";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const sharedDir = join(repoRoot, "..", "shared");

/** Runs one input; returns the error problems, or throws what the code under test threw. */
export function runTarget(kind: Kind, data: Buffer, dir: string): Problem[] {
  if (kind === "recipe") {
    const file = join(dir, "appcipe.yml");
    return parseRecipe(data.toString("utf8"), file).problems.filter((p) => p.severity === "error");
  }
  writeFileSync(join(dir, "compose.yaml"), data);
  try {
    convertProject({ cwd: dir, files: ["compose.yaml"], env: {} });
    return [];
  } catch (error) {
    if (error instanceof UserError) return error.problems.filter((p) => p.severity === "error");
    throw error;
  }
}

function yamlFiles(dir: string, names: RegExp, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yamlFiles(path, names, out);
    else if (names.test(name)) out.push(path);
  }
  return out;
}

/** Seeds: the repo's examples and, when ../shared is there, the compose corpus. */
export function seedFiles(kind: Kind): string[] {
  if (kind === "recipe") {
    return [
      ...yamlFiles(join(repoRoot, "examples"), /^appcipe.*\.yml$/),
      ...yamlFiles(join(repoRoot, "test", "golden"), /^(appcipe|rendered)\.yml$/),
    ];
  }
  const compose = /^(docker-)?compose[\w.-]*\.ya?ml$/;
  return [
    ...yamlFiles(join(repoRoot, "examples"), compose),
    ...yamlFiles(join(sharedDir, "compose-corpus"), compose),
  ];
}
