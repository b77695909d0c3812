import type { CommandModule } from "yargs";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { hasTerminal } from "../../tui/terminal.js";
import { UserError } from "../../util/errors.js";

interface Args {
  file?: string;
  "kit-dir"?: string[];
}

/** A directory opens the file step there; a file skips it. */
function startingPoint(file: string | undefined): { cwd: string; file?: string } {
  const cwd = process.cwd();
  if (file === undefined) return { cwd };
  const full = resolve(cwd, file);
  return statSync(full, { throwIfNoEntry: false })?.isDirectory() ? { cwd: full } : { cwd, file };
}

function noTerminal(): UserError {
  return new UserError(
    "the wizard needs a person at a terminal; stdin or stdout is not a terminal, or CI is set",
    {
      fix:
        "run `chefer wizard` in a terminal, or do its steps with flags: " +
        "`chefer from-compose -f compose.yaml --name NAME -o appcipe.yml`, " +
        "then `chefer build appcipe.yml --target x86_64-linux --out dist`",
    },
  );
}

export const wizardCommand: CommandModule<object, Args> = {
  command: "wizard [file]",
  describe: "Turn a compose file into an executable step by step, then run it (needs a terminal)",
  builder: (y) =>
    y
      .positional("file", {
        type: "string",
        describe: "The compose file, or a directory to pick one in (default: pick one here)",
      })
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
    process.exitCode = await runWizard({
      ...startingPoint(args.file),
      pipeline: cliPipeline({ kitDirs: args["kit-dir"] ?? [] }),
    });
  },
};
