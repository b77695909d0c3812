import type { CommandModule } from "yargs";
import { buildTargets } from "../../pack/build-targets.js";
import { readRecipe } from "../../pack/recipe-input.js";
import { hostTarget } from "../../runtime/kit.js";
import { launchExecutable } from "../../runtime/launch.js";
import { log } from "../../util/log.js";
import { renderProgress } from "../progress-render.js";
import { checkLevel, packOptions } from "./build.js";

interface RunArgs {
  path?: string;
  out: string;
  "kit-dir"?: string[];
  "zstd-level"?: number;
  "insecure-registry"?: string[];
  "--"?: (string | number)[];
}

export const runCommand: CommandModule<object, RunArgs> = {
  command: "run [path]",
  describe: "Build the app for this machine and run it; arguments after -- go to the app",
  builder: (y) =>
    packOptions(
      y
        .parserConfiguration({ "populate--": true })
        .positional("path", {
          type: "string",
          describe: "appcipe.yml, or a directory holding one (default: .)",
        })
        .option("out", {
          type: "string",
          default: "dist",
          describe: "Directory to write the executable to",
        }),
    ),
  handler: async (args) => {
    const level = checkLevel(args["zstd-level"]);
    const target = hostTarget();
    const { recipe, warnings } = readRecipe(args.path);
    for (const w of warnings) process.stderr.write(`${w}\n`);
    const progress = renderProgress();
    let path: string;
    try {
      const [built] = await buildTargets({
        recipe,
        targets: [target],
        outDir: args.out,
        kitDirs: args["kit-dir"] ?? [],
        zstdLevel: level,
        progress: progress.sink,
        insecureRegistries: args["insecure-registry"],
      });
      path = (built as { path: string }).path;
    } finally {
      progress.close();
    }
    log.info(`running ${path}`);
    process.exitCode = await launchExecutable(path, (args["--"] ?? []).map(String));
  },
};
