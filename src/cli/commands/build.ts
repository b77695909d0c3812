import type { Argv, CommandModule } from "yargs";
import { buildTargets, outputPath } from "../../pack/build-targets.js";
import type { Recipe } from "../../appcipe/types.js";
import type { WrittenExecutable } from "../../pack/executable.js";
import { readRecipe } from "../../pack/recipe-input.js";
import { findRuntime, hostTarget, parseTarget, TARGETS, type Target } from "../../runtime/kit.js";
import { UserError } from "../../util/errors.js";
import { log } from "../../util/log.js";
import { formatBytes } from "../../util/progress.js";
import { renderProgress } from "../progress-render.js";

export interface BuildArgs {
  path?: string;
  out: string;
  target?: string[];
  "kit-dir"?: string[];
  "zstd-level"?: number;
  "dry-run"?: boolean;
  "insecure-registry"?: string[];
}

/** The options `build` and `run` share. */
export function packOptions<T>(y: Argv<T>) {
  return y
    .option("kit-dir", {
      type: "string",
      array: true,
      describe: "Directory with runtimes (chefer-runtime-<target>)",
    })
    .option("zstd-level", { type: "number", describe: "zstd level 1..22 (default 3)" })
    .option("insecure-registry", {
      type: "string",
      array: true,
      describe: "Registry host[:port] to pull from over plain http (loopback ones always may)",
    });
}

export function checkLevel(level: number | undefined): number | undefined {
  if (level === undefined || (Number.isInteger(level) && level >= 1 && level <= 22)) return level;
  throw new UserError(`--zstd-level ${level} is out of range`, {
    fix: "pass a whole number from 1 to 22",
  });
}

export const buildCommand: CommandModule<object, BuildArgs> = {
  command: "build [path]",
  describe: "Pack a recipe and its images into one executable per target",
  builder: (y) =>
    packOptions(
      y
        .positional("path", {
          type: "string",
          describe: "appcipe.yml, or a directory holding one (default: .)",
        })
        .option("out", {
          type: "string",
          default: "dist",
          describe: "Directory to write executables to",
        })
        .option("target", {
          type: "string",
          array: true,
          describe: `Target to build for (${TARGETS.join(", ")}); default: this machine's`,
        })
        .option("dry-run", {
          type: "boolean",
          describe: "Check the recipe and kit, print what would be written, write nothing",
        }),
    ),
  handler: async (args) => {
    const level = checkLevel(args["zstd-level"]);
    const targets = (args.target?.length ? args.target : [hostTarget()]).map(parseTarget);
    const { recipe, warnings } = readRecipe(args.path);
    for (const w of warnings) process.stderr.write(`${w}\n`);
    if (args["dry-run"]) return dryRun(recipe.name, targets, args);
    const built = await packWithProgress(args, recipe, targets, level);
    for (const b of built) {
      log.info(`built ${b.manifest.target}: ${b.path} (${formatBytes(b.size)})`);
      process.stdout.write(`${b.path}\n`);
    }
  },
};

/** Builds `recipe` for `targets` with the shared pack options, showing progress; build and run use it. */
export async function packWithProgress(
  args: Pick<BuildArgs, "out" | "kit-dir" | "insecure-registry">,
  recipe: Recipe,
  targets: Target[],
  level: number | undefined,
): Promise<WrittenExecutable[]> {
  const progress = renderProgress();
  try {
    return await buildTargets({
      recipe,
      targets,
      outDir: args.out,
      kitDirs: args["kit-dir"] ?? [],
      zstdLevel: level,
      progress: progress.sink,
      insecureRegistries: args["insecure-registry"],
    });
  } finally {
    progress.close();
  }
}

async function dryRun(name: string, targets: Target[], args: BuildArgs): Promise<void> {
  for (const target of targets) {
    const runtime = await findRuntime(target, args["kit-dir"] ?? []);
    log.info(`would build ${target} with ${runtime}`);
    process.stdout.write(`${outputPath(args.out, name, target)}\n`);
  }
}
