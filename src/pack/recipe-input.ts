import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadRecipe, resolveRecipePath } from "../appcipe/load.js";
import type { Recipe } from "../appcipe/types.js";
import { UserError, formatProblem, sortProblems } from "../util/errors.js";

export interface LoadedRecipe {
  recipe: Recipe;
  /** Warnings, formatted one per entry as `chefer check` prints them. */
  warnings: string[];
}

/**
 * Reads the recipe `chefer build` packs: an appcipe.yml, a directory holding one (default
 * ./appcipe.yml), or a normalized recipe as JSON (what `chefer check --format json` prints).
 */
export function readRecipe(path?: string): LoadedRecipe {
  if (path?.endsWith(".json")) return { recipe: readJsonRecipe(resolve(path)), warnings: [] };
  const { recipe, warnings } = loadRecipe(resolveRecipePath(path));
  return { recipe, warnings: sortProblems(warnings).map(formatProblem) };
}

function readJsonRecipe(file: string): Recipe {
  let recipe: Recipe;
  try {
    recipe = JSON.parse(readFileSync(file, "utf8")) as Recipe;
  } catch (error) {
    throw new UserError(`${file}: not a JSON recipe: ${(error as Error).message}`, {
      fix: "pass an appcipe.yml, or the output of `chefer check --format json`",
    });
  }
  return { ...recipe, file: recipe.file ?? file };
}
