import type { CommandModule } from "yargs";
import { describeExecutable } from "../../pack/describe.js";
import { readExecutable } from "../../pack/inspect.js";
import { UserError } from "../../util/errors.js";

interface InspectArgs {
  file: string;
  format: string;
}

export const inspectCommand: CommandModule<object, InspectArgs> = {
  command: "inspect <file>",
  describe: "Show what an executable holds (footer, app, services, layers) without extracting it",
  builder: (y) =>
    y
      .positional("file", {
        type: "string",
        demandOption: true,
        describe: "An executable from `chefer build`",
      })
      .option("format", {
        type: "string",
        default: "text",
        choices: ["text", "json"],
        describe: "Output format",
      }),
  handler: async (args) => {
    const info = await readExecutable(args.file);
    if (args.format === "json") {
      process.stdout.write(
        `${JSON.stringify({ footer: info.footer, manifest: info.manifest }, null, 2)}\n`,
      );
      return;
    }
    if (args.format !== "text")
      throw new UserError(`unknown format ${args.format}`, {
        fix: "use --format text or --format json",
      });
    process.stdout.write(describeExecutable(info));
  },
};
