import { spawn } from "node:child_process";
import { constants } from "node:os";
import { EnvironmentError } from "../util/errors.js";

/**
 * Runs a built executable with this process's stdio; `args` reach the app after `--` (the
 * executable's own options come before it) and returns the exit status to pass on:
 * its exit code, or 128 + n when signal n killed it, as shells report. While it runs, SIGINT
 * and SIGTERM sent to chefer are forwarded to it instead of killing chefer first (a terminal's
 * Ctrl-C reaches both; the executable decides how to stop its services).
 */
export function launchExecutable(path: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args.length > 0 ? ["--", ...args] : [], { stdio: "inherit" });
    const forward = (signal: NodeJS.Signals) => {
      if (child.exitCode === null) child.kill(signal);
    };
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    const done = () => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
    };
    child.on("error", (error) => {
      done();
      reject(
        new EnvironmentError(`cannot start ${path}: ${error.message}`, {
          fix: "check that the file is executable and built for this machine's target",
          cause: error,
        }),
      );
    });
    child.on("exit", (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
