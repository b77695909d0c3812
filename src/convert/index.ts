/**
 * `convertProject`: a Compose project to a recipe and the diagnostics that say what changed.
 * Loading follows docker compose (load.ts); translation follows the mapping table
 * (translate/). Nothing here writes files; output.ts does.
 */
import { join, resolve } from "node:path";
import type { Recipe } from "../appcipe/types.js";
import { Diagnostics, type Diagnostic } from "./diagnostics.js";
import { loadProject, type LoadOptions } from "./load.js";
import { appName } from "./app-name.js";
import type { TranslateOptions } from "./translate/context.js";
import { translateProject } from "./translate/app.js";
import { pathKind } from "./path-kind.js";
import { verifyRecipe } from "./verify.js";

export interface ConvertOptions extends LoadOptions, TranslateOptions {
  /** The app name; defaults to the project name. */
  name?: string;
  /** Where the recipe will be written; defaults to appcipe.yml in the working directory. */
  output?: string;
}

export interface ConvertResult {
  recipe: Recipe;
  /** The recipe as appcipe.yml text, header included: what `from-compose` writes. */
  text: string;
  diagnostics: Diagnostic[];
  files: string[];
  workingDir: string;
  projectName: string;
  disabledServices: string[];
}

/**
 * Loads and translates a project. Any error throws a UserError whose `problems` hold every
 * diagnostic, warnings included, sorted by location.
 */
export function convertProject(options: ConvertOptions): ConvertResult {
  const diags = new Diagnostics();
  const project = loadProject(options, diags);
  const cwd = options.cwd ?? process.cwd();
  const file = recipePath(options.output ? resolve(cwd, options.output) : project.workingDir);
  const name = appName(options.name, project.name, project.files[0] as string, diags);
  const recipe = translateProject({ project, options, diags, appName: name, file });
  diags.throwIfErrors(`cannot convert ${project.files.join(", ")}`);
  const text = verifyRecipe(recipe, project.files, project.model, diags);
  diags.throwIfErrors(`cannot convert ${project.files.join(", ")}`);
  return {
    recipe,
    text,
    diagnostics: diags.sorted(),
    files: project.files,
    workingDir: project.workingDir,
    projectName: project.name,
    disabledServices: project.disabledServices,
  };
}

/** `-o DIR` (or no -o) means DIR/appcipe.yml, as `chefer check DIR` reads it. */
function recipePath(path: string): string {
  return pathKind(path) === "dir" ? join(path, "appcipe.yml") : path;
}
