import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UserError, sortProblems, type Problem } from "../util/errors.js";
import type { Recipe } from "./types.js";
import { isObj, type Ctx } from "./context.js";
import { parseSource } from "./source.js";
import { Problems } from "./problems.js";
import { checkSchema } from "./schema.js";
import { normalizeRecipe } from "./normalize.js";
import { checkApp } from "./checks.js";
import { checkNulBytes } from "./nul-bytes.js";

export const RECIPE_FILE = "appcipe.yml";

export interface LoadResult {
  recipe: Recipe;
  warnings: Problem[];
}

/** Every problem found, warnings included, in file order; `recipe` is set only when there is no error. */
export interface ParseResult {
  recipe?: Recipe;
  problems: Problem[];
}

/** `[path]` as the commands take it: default ./appcipe.yml, a directory means its appcipe.yml. */
export function resolveRecipePath(path: string | undefined): string {
  if (path === undefined) return RECIPE_FILE;
  return existsSync(path) && statSync(path).isDirectory() ? join(path, RECIPE_FILE) : path;
}

/**
 * Parses recipe text; `file` is where it lives (relative paths resolve against its directory).
 * TODO(limitation): `${VAR}` is not interpolated; values are read exactly as written.
 */
export function parseRecipe(text: string, file: string, display: string = file): ParseResult {
  const source = parseSource(text, display);
  if (source.syntaxProblems.length > 0) return { problems: source.syntaxProblems };
  const problems = new Problems(source);
  const ctx: Ctx = { problems, source, dir: dirname(resolve(file)) };
  if (!isObj(source.data)) {
    ctx.problems.error({
      code: "recipe/not-a-mapping",
      path: [],
      message: "the recipe is not a YAML mapping of keys to values",
      fix: "start from the template `chefer init` writes",
    });
    return { problems: problems.list };
  }
  checkSchema(source.data, problems);
  checkNulBytes(source.data, problems);
  const recipe = normalizeRecipe(ctx, source.data, resolve(file));
  checkApp(ctx, recipe, source.data);
  const sorted = sortProblems(problems.list);
  return problems.errors.length > 0 ? { problems: sorted } : { recipe, problems: sorted };
}

/** Reads a recipe file; a missing file is a UserError that says how to make one. */
export function readRecipe(path: string | undefined): ParseResult & { display: string } {
  const display = resolveRecipePath(path);
  if (!existsSync(display)) {
    throw new UserError(`no recipe at ${display}`, {
      fix: "run `chefer init` to write a template there, or `chefer from-compose` to make one from a Compose file",
    });
  }
  return { ...parseRecipe(readFileSync(display, "utf8"), display, display), display };
}

/** Loads and validates a recipe: the normalized Recipe and its warnings, or a UserError with every problem. */
export function loadRecipe(path?: string): LoadResult {
  const { recipe, problems, display } = readRecipe(path);
  if (!recipe) {
    const count = problems.filter((p) => p.severity === "error").length;
    throw new UserError(`${display} has ${count} ${count === 1 ? "problem" : "problems"}`, {
      problems,
      fix: "correct each problem listed above, then run `chefer check` again",
    });
  }
  return { recipe, warnings: problems.filter((p) => p.severity === "warning") };
}
