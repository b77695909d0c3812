import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { renderRecipe } from "../../appcipe/write.js";
import { buildTargets } from "../../pack/build-targets.js";
import { readRecipe } from "../../pack/recipe-input.js";
import { parseTarget } from "../../runtime/kit.js";
import { BugError } from "../../util/errors.js";
import { log } from "../../util/log.js";
import type { ConvertResult, WizardPipeline } from "./pipeline.js";

type Converter = (file: string) => Promise<ConvertResult>;

/** Where the converter lives; looked up at run time, as the packer looks up the recipe loader. */
const CONVERTER_MODULES = ["../../convert/index.js", "../../convert/convert.js"];

async function findConverter(): Promise<Converter> {
  for (const specifier of CONVERTER_MODULES) {
    const mod = (await import(specifier).catch(() => undefined)) as
      | {
          convertProject?: (o: {
            files: string[];
            cwd: string;
          }) => ConvertResult | Promise<ConvertResult>;
        }
      | undefined;
    const convert = mod?.convertProject;
    if (convert) return async (file) => convert({ files: [file], cwd: dirname(file) });
  }
  throw new BugError("the converter (convertProject in src/convert) is missing from this build");
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
    convert: async (file) => (await findConverter())(file),
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
      return built.map((b) => ({ target: parseTarget(b.manifest.target), path: b.path }));
    },
  };
}
