import { BugError, UserError, forTerminal, formatProblem, sortProblems } from "../util/errors.js";
import { ExitCode } from "../util/exit-codes.js";
import { color } from "../util/log.js";

/**
 * Prints an error the way its kind asks for and returns the exit code. A UserError
 * prints where, what and the fix without a stack; anything else is a bug and prints
 * its stack so it can be reported.
 */
export function handleFailure(error: unknown): number {
  if (error instanceof UserError) {
    for (const p of sortProblems(error.problems)) process.stderr.write(`${formatProblem(p)}\n`);
    process.stderr.write(`${color.red("error")}: ${forTerminal(error.message)}\n`);
    if (error.fix) process.stderr.write(`  fix: ${forTerminal(error.fix)}\n`);
    return error.exitCode;
  }
  const bug = error instanceof BugError ? error : new BugError(String(error), { cause: error });
  const stack = error instanceof Error && error.stack ? error.stack : bug.stack;
  process.stderr.write(
    `${color.red("bug")}: chefer hit an internal error; please report it with this output.\n${stack}\n`,
  );
  return ExitCode.bug;
}
