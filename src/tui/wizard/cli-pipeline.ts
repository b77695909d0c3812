import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { renderRecipe } from "../../appcipe/write.js";
import { convertProject } from "../../convert/index.js";
import { buildTargets } from "../../pack/build-targets.js";
import { readRecipe } from "../../pack/recipe-input.js";
import { parseTarget } from "../../runtime/kit.js";
import { log } from "../../util/log.js";
import type { ConvertResult, WizardPipeline } from "./pipeline.js";

// TODO(limitation): one compose file and from-compose's default options; see docs/limitations.md.
/** Converts one compose file, with the recipe placed beside it as the wizard writes it. */
async function convert(file: string): Promise<ConvertResult> {
  const { recipe, diagnostics } = convertProject({
    files: [file],
    cwd: dirname(file),
    output: join(dirname(file), "appcipe.yml"),
  });
  return { recipe, diagnostics };
}

/** The recipe's first lines, so a reader knows where it came from and what to run next. */
function header(): string[] {
  return [
    "Written by `chefer wizard`. Check it with `chefer check`, build it with `chefer build`.",
  ];
}

/**
 * The wizard's phases as the CLI runs them: the converter, the recipe writer, then the
 * packer with the same recipe loading `chefer build` does, writing executables to a `dist`
 * directory beside the recipe.
 */
export function cliPipeline(options: { kitDirs: string[] }): WizardPipeline {
  return {
    convert,
    writeRecipe: async (recipe, file) => {
      await writeFile(file, renderRecipe({ ...recipe, file }, { header: header() }));
    },
    build: async (recipeFile, targets, progress) => {
      const { recipe, warnings } = await readRecipe(recipeFile);
      for (const w of warnings) progress({ kind: "message", level: "warn", text: w });
      const outDir = join(dirname(recipeFile), "dist");
      const built = await buildTargets({
        recipe,
        targets,
        outDir,
        kitDirs: options.kitDirs,
        progress,
      });
      log.debug(`wizard built ${built.length} executable(s) in ${outDir}`);
      return built.map((b) => ({
        target: parseTarget(b.manifest.target),
        path: b.path,
        size: b.size,
      }));
    },
  };
}
