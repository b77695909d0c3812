import type { CommandModule } from "yargs";
import { formatChecks, runDoctor, type CheckStatus } from "../../runtime/doctor.js";
import { ExitCode } from "../../util/exit-codes.js";
import { color } from "../../util/log.js";

interface DoctorArgs {
  format: string;
  "kit-dir"?: string[];
}

const paint: Record<CheckStatus, (s: string) => string> = {
  PASS: color.green,
  WARN: color.yellow,
  FAIL: color.red,
};

function useStdoutColor(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

export const doctorCommand: CommandModule<object, DoctorArgs> = {
  command: "doctor",
  describe: "Check that this machine can build and run apps (PASS, WARN or FAIL, with fixes)",
  builder: (y) =>
    y
      .option("format", {
        type: "string",
        default: "text",
        choices: ["text", "json"],
        describe: "Output format",
      })
      .option("kit-dir", { type: "string", array: true, describe: "Also look for runtimes here" }),
  handler: async (args) => {
    const results = await runDoctor({ kitDirs: args["kit-dir"] ?? [] });
    if (args.format === "json") process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    else
      process.stdout.write(
        formatChecks(results, (s) => (useStdoutColor() ? paint[s](s) : s).padEnd(4)),
      );
    if (results.some((r) => r.status === "FAIL")) process.exitCode = ExitCode.userError;
  },
};
