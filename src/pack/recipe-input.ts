import { readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Recipe } from "../appcipe/types.js";
import { BugError, UserError } from "../util/errors.js";

export interface LoadedRecipe {
  recipe: Recipe;
  warnings: string[];
}

type Loader = (path: string) => Promise<{ recipe: Recipe; warnings: unknown[] }>;

/** Where the recipe loader lives; looked up at run time so the packer builds on its own. */
const LOADER_MODULES = ["../appcipe/load.js", "../appcipe/index.js"];

/**
 * Reads the recipe `chefer build` packs: `path` is an appcipe.yml, a directory holding one,
 * or a normalized recipe as JSON (what `chefer check --format json` prints).
 */
export async function readRecipe(path = "."): Promise<LoadedRecipe> {
  const file = await recipeFile(resolve(path));
  if (file.endsWith(".json")) return { recipe: await readJsonRecipe(file), warnings: [] };
  const loaded = await (await findLoader())(file);
  return { recipe: loaded.recipe, warnings: loaded.warnings.map(warningText) };
}

async function recipeFile(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (info?.isFile()) return path;
  if (info?.isDirectory()) {
    for (const name of ["appcipe.yml", "appcipe.yaml"]) {
      if ((await stat(join(path, name)).catch(() => undefined))?.isFile()) return join(path, name);
    }
  }
  throw new UserError(`${path}: no recipe here (looked for the file, or appcipe.yml inside it)`, {
    fix: "pass the path of an appcipe.yml, or write one with `chefer from-compose`",
  });
}

async function readJsonRecipe(file: string): Promise<Recipe> {
  try {
    const recipe = JSON.parse(await readFile(file, "utf8")) as Recipe;
    return { ...recipe, file: recipe.file ?? file };
  } catch (error) {
    throw new UserError(`${file}: not a JSON recipe: ${(error as Error).message}`, {
      fix: "pass an appcipe.yml, or the output of `chefer check --format json`",
    });
  }
}

async function findLoader(): Promise<Loader> {
  for (const specifier of LOADER_MODULES) {
    const mod = (await import(specifier).catch(() => undefined)) as
      { loadRecipe?: Loader } | undefined;
    if (mod?.loadRecipe) return mod.loadRecipe;
  }
  throw new BugError("the recipe loader (loadRecipe in src/appcipe) is missing from this build");
}

function warningText(w: unknown): string {
  if (typeof w === "string") return w;
  const p = w as { message?: string; path?: string };
  return p.path ? `${p.path}: ${p.message ?? ""}` : (p.message ?? JSON.stringify(w));
}
