/**
 * The project name, with docker compose's precedence: `-p`, then COMPOSE_PROJECT_NAME, then
 * the top-level `name:` of the last file that sets it, then the working directory's name.
 * A name the user wrote must already be valid; a directory name is normalized.
 */
import { basename } from "node:path";
import { UserError } from "../util/errors.js";
import type { Diagnostics } from "./diagnostics.js";
import { substitute } from "./interpolate.js";
import { isScalar, type YMap } from "./node.js";

/** Lowercase, only [a-z0-9_-], no leading `_` or `-`: what Compose accepts as a project name. */
export function normalizeProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[_-]+/, "");
}

export interface NameInput {
  flag?: string;
  env: Record<string, string>;
  docs: YMap[];
  workingDir: string;
}

/** Resolves the project name or fails saying which source gave an invalid one. */
export function resolveProjectName(input: NameInput, diags: Diagnostics): string {
  if (input.flag) return checked(input.flag, "-p");
  if (input.env.COMPOSE_PROJECT_NAME)
    return checked(input.env.COMPOSE_PROJECT_NAME, "COMPOSE_PROJECT_NAME");
  const fromFile = nameFromFiles(input, diags);
  if (fromFile) return checkedAt(fromFile, diags);
  const derived = normalizeProjectName(basename(input.workingDir));
  if (derived) return derived;
  throw new UserError(`cannot derive a project name from the directory ${input.workingDir}`, {
    fix: "set one with -p NAME or a top-level `name:` in the compose file",
  });
}

interface FileName {
  value: string;
  node: { loc: Parameters<Diagnostics["error"]>[0]["at"] };
}

function nameFromFiles(input: NameInput, diags: Diagnostics): FileName | undefined {
  let name: FileName | undefined;
  for (const doc of input.docs) {
    const node = doc.entries.get("name");
    if (!isScalar(node) || node.value === null) continue;
    try {
      name = { value: substitute(String(node.value), (k) => input.env[k]).value, node };
    } catch {
      diags.error({
        code: "compose/invalid-template",
        at: node.loc,
        path: ["name"],
        message: "the project name cannot be interpolated",
        fix: "write the name without a broken ${...}",
      });
    }
  }
  return name;
}

/** A name from a file is reported at its line, and conversion goes on with a valid name. */
function checkedAt(name: FileName, diags: Diagnostics): string {
  const valid = normalizeProjectName(name.value);
  if (valid === name.value && valid !== "") return valid;
  diags.error({
    code: "compose/invalid-project-name",
    at: name.node.loc,
    path: ["name"],
    message: `invalid project name "${name.value}"`,
    fix: `use only lowercase letters, digits, dashes and underscores, starting with a letter or digit, e.g. "${valid || "app"}"`,
  });
  return valid || "app";
}

function checked(name: string, source: string): string {
  if (normalizeProjectName(name) === name && name !== "") return name;
  throw new UserError(`invalid project name "${name}" (from ${source})`, {
    fix: `use only lowercase letters, digits, dashes and underscores, starting with a letter or digit, e.g. "${normalizeProjectName(name) || "app"}"`,
  });
}
