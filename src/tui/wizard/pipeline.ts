import type { Recipe } from "../../appcipe/types.js";
import type { Problem } from "../../util/errors.js";
import type { ProgressSink } from "../../util/progress.js";
import type { Target } from "./choices.js";

export interface ConvertResult {
  recipe: Recipe;
  diagnostics: Problem[];
}

export interface BuiltExecutable {
  target: Target;
  path: string;
  /** Bytes, when the packer reports them. */
  size?: number;
}

/**
 * The phases the wizard drives, in the order it drives them. `chefer wizard` wires these to
 * the converter, the recipe writer and the packer; the screens only see this interface, so
 * they can be rendered in tests with real recipes and real progress events.
 */
export interface WizardPipeline {
  /** Converts a compose file; a UserError carries the problems that stop conversion. */
  convert: (composeFile: string) => Promise<ConvertResult>;
  /** Writes the recipe as appcipe.yml text to `file`. */
  writeRecipe: (recipe: Recipe, file: string) => Promise<void>;
  /** Builds one executable per target from the recipe file just written. */
  build: (
    recipeFile: string,
    targets: Target[],
    progress: ProgressSink,
  ) => Promise<BuiltExecutable[]>;
}

/** What the wizard hands back when it closes. */
export interface WizardOutcome {
  exitCode: number;
  /** A last line for stderr once the screen is gone, e.g. where the executable is. */
  summary?: string;
}
