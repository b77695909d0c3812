import type { CommandModule } from "yargs";
import { UserError } from "../../util/errors.js";

interface Args {
  file?: string;
  "kit-dir"?: string[];
}

/** The wizard needs a terminal both ways: keys in, screens out. */
export function hasTerminal(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

function noTerminal(): UserError {
  return new UserError("the wizard needs a terminal, and stdin or stdout is not one", {
    fix:
      "run `chefer wizard` in a terminal, or do its steps with flags: " +
      "`chefer from-compose -f compose.yaml --name NAME -o appcipe.yml`, " +
      "then `chefer build appcipe.yml --target x86_64-linux --out dist`",
  });
}

export const wizardCommand: CommandModule<object, Args> = {
  command: "wizard [file]",
  describe: "Turn a compose file into an executable step by step, then run it (needs a terminal)",
  builder: (y) =>
    y
      .positional("file", { type: "string", describe: "The compose file (default: pick one)" })
      .option("kit-dir", {
        type: "string",
        array: true,
        describe: "Directory with runtimes (chefer-runtime-<target>)",
      }),
  handler: async (args) => {
    if (!hasTerminal()) throw noTerminal();
    // Loaded here so the other commands do not pay for Ink and React at start-up.
    const { runWizard } = await import("../../tui/wizard/run-wizard.js");
    const { cliPipeline } = await import("../../tui/wizard/cli-pipeline.js");
    const cwd = process.cwd();
    process.exitCode = await runWizard({
      cwd,
      file: args.file,
      pipeline: cliPipeline({ kitDirs: args["kit-dir"] ?? [] }),
    });
  },
};
