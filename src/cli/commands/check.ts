import type { CommandModule } from "yargs";
import { stringify } from "yaml";
import { UserError, formatProblem, sortProblems, type Problem } from "../../util/errors.js";
import { ExitCode } from "../../util/exit-codes.js";
import { readRecipe } from "../../appcipe/load.js";
import { summarizeRecipe } from "../../appcipe/summary.js";
import type { Recipe } from "../../appcipe/types.js";

type Format = "pretty" | "json" | "yaml";

interface Args {
  path?: string;
  format?: Format;
  strict?: boolean;
}

export const checkCommand: CommandModule<object, Args> = {
  command: "check [path]",
  describe: "Validate a recipe and print it normalized (a summary on a terminal)",
  builder: (y) =>
    y
      .positional("path", {
        type: "string",
        describe: "The recipe, or a directory holding appcipe.yml (default ./appcipe.yml)",
      })
      .option("format", {
        alias: "f",
        choices: ["pretty", "json", "yaml"] as const,
        describe:
          "Output: a summary, or the normalized recipe as JSON or YAML (default: pretty on a terminal, else yaml)",
      })
      .option("strict", { type: "boolean", describe: "Fail (exit 3) when there are warnings" }),
  handler: (args) => {
    const { recipe, problems, display } = readRecipe(args.path);
    const format: Format = args.format ?? (process.stdout.isTTY ? "pretty" : "yaml");
    const sorted = sortProblems(problems);
    if (!recipe) return failCheck(display, sorted, args.format);
    for (const p of sorted) process.stderr.write(`${formatProblem(p)}\n`);
    process.stdout.write(render(recipe, format));
    if (args.strict && sorted.length > 0) {
      throw new UserError(`${display} has ${sorted.length} warnings and --strict is set`, {
        fix: "correct the warnings above, or drop --strict",
        exitCode: ExitCode.strictWarnings,
      });
    }
  },
};

function render(recipe: Recipe, format: Format): string {
  if (format === "json") return `${JSON.stringify(recipe, null, 2)}\n`;
  if (format === "yaml") return stringify(recipe, { lineWidth: 0 });
  return summarizeRecipe(recipe);
}

/** Errors go to stderr as text; with --format json or yaml they are also printed on stdout as data. */
function failCheck(display: string, problems: Problem[], format: Format | undefined): never {
  const data = { ok: false, problems };
  if (format === "json") process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  if (format === "yaml") process.stdout.write(stringify(data, { lineWidth: 0 }));
  const count = problems.filter((p) => p.severity === "error").length;
  throw new UserError(`${display} has ${count} ${count === 1 ? "problem" : "problems"}`, {
    problems,
    fix: "correct each problem listed above, then run `chefer check` again",
  });
}
