import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { commands } from "./commands/index.js";
import { hasTerminal } from "../tui/terminal.js";
import { handleFailure } from "./failure.js";
import { setLogLevel } from "../util/log.js";
import { ExitCode } from "../util/exit-codes.js";

/** With no arguments, a person at a terminal gets the wizard; a pipe or a script gets the help. */
function withDefault(argv: string[]): string[] {
  if (argv.length > 0) return argv;
  return hasTerminal() ? ["wizard"] : ["--help"];
}

/** Parses argv and dispatches to one command; the commands only wire phases together. */
export async function main(argv: string[]): Promise<void> {
  const parser = yargs(withDefault(argv))
    .scriptName("chefer")
    .usage(
      "$0 <command> [options]\n\nTurn a Docker Compose app into one executable that runs without Docker.",
    )
    .option("verbose", { type: "boolean", describe: "Print debug logs on stderr" })
    .middleware((args) => {
      if (args.verbose) setLogLevel("debug");
    })
    .strict()
    .demandCommand(1, "Name a command; `chefer --help` lists them.")
    .recommendCommands()
    .help()
    .alias("help", "h")
    .version(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((message, error) => {
      if (error) throw error;
      process.stderr.write(`chefer: ${message}\nRun \`chefer --help\` for usage.\n`);
      process.exit(ExitCode.usage);
    });
  for (const command of commands) parser.command(command);
  await parser.parseAsync();
}

try {
  await main(hideBin(process.argv));
} catch (error) {
  process.exitCode = handleFailure(error);
}
