import type { CommandModule } from "yargs";
import { readRecipe } from "../../pack/recipe-input.js";
import { hostTarget } from "../../runtime/kit.js";
import { launchExecutable } from "../../runtime/launch.js";
import { hasTerminal } from "../../tui/terminal.js";
import { UserError } from "../../util/errors.js";
import { log } from "../../util/log.js";
import { checkLevel, packOptions, packWithProgress } from "./build.js";

interface RunArgs {
  path?: string;
  out: string;
  "kit-dir"?: string[];
  "zstd-level"?: number;
  "insecure-registry"?: string[];
  dashboard?: boolean;
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
        })
        .option("dashboard", {
          type: "boolean",
          describe: "Show the live dashboard (service states, health, ports, logs) on a terminal",
        }),
    ),
  handler: async (args) => {
    if (args.dashboard) requireTerminal();
    const level = checkLevel(args["zstd-level"]);
    const target = hostTarget();
    const { recipe, warnings } = readRecipe(args.path);
    for (const w of warnings) process.stderr.write(`${w}\n`);
    const [built] = await packWithProgress(args, recipe, [target], level);
    const path = (built as { path: string }).path;
    const appArgs = (args["--"] ?? []).map(String);
    log.info(`running ${path}`);
    process.exitCode = args.dashboard
      ? await runWithDashboard(path, appArgs)
      : await launchExecutable(path, appArgs);
  },
};

/** The dashboard needs a person at a terminal; without one, say which flag to drop. */
function requireTerminal(): void {
  if (hasTerminal()) return;
  throw new UserError("--dashboard needs a terminal on stdin and stdout (and CI unset)", {
    fix: "run without --dashboard to see the app's output as plain lines",
  });
}

async function runWithDashboard(path: string, appArgs: string[]): Promise<number> {
  const { runDashboard } = await import("../../tui/dashboard/run-dashboard.js");
  return runDashboard(path, appArgs.length > 0 ? ["--", ...appArgs] : []);
}
