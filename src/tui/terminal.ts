/**
 * Whether a person can use a full-screen UI here: stdin and stdout are terminals and this is
 * not CI, where nobody answers even when the job runs on a pseudo-terminal. The wizard and
 * the dashboard are only started when this holds; otherwise chefer prints plain lines.
 */
export function hasTerminal(
  stdin: { isTTY?: boolean } = process.stdin,
  stdout: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return Boolean(stdin.isTTY && stdout.isTTY) && !inCi(env);
}

/**
 * CI as Ink itself judges it: CI set to anything but "0" or "false", even empty. Ink then
 * draws only the last frame, so a screen opened there would stay blank while it runs.
 */
function inCi(env: NodeJS.ProcessEnv): boolean {
  return "CI" in env && env.CI !== "0" && env.CI !== "false";
}
