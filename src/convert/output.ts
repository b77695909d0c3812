/**
 * Writing the recipe: a short header naming its source, then renderRecipe's canonical YAML.
 * A file is written to a temporary name in the same directory and renamed into place, so a
 * half-written recipe never looks complete, and an existing file is kept unless forced.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { renderRecipe } from "../appcipe/write.js";
import type { Recipe } from "../appcipe/types.js";
import { UserError } from "../util/errors.js";

/** The recipe's text, with a header naming the compose files relative to the recipe. */
export function recipeText(recipe: Recipe, composeFiles: string[]): string {
  const dir = dirname(recipe.file);
  const shown = (f: string) => (isAbsolute(f) ? relative(dir, f) || basename(f) : f);
  const sources = composeFiles.map(shown).join(", ");
  const header = [
    `Converted from ${sources} by \`chefer from-compose\`.`,
    "Check it with `chefer check`; build it with `chefer build`.",
  ];
  return renderRecipe(recipe, { header });
}

/** Writes text atomically; refuses to replace an existing file unless `force`. */
export function writeRecipeFile(file: string, text: string, force: boolean): void {
  if (existsSync(file) && !force) {
    throw new UserError(`${file} already exists`, {
      fix: "pass --force to replace it, or choose another path with -o",
    });
  }
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new UserError(`cannot write ${file}`, {
      fix: "check that the directory exists and is writable",
      cause: error,
    });
  }
}
