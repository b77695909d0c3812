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
  return Boolean(stdin.isTTY && stdout.isTTY) && !env.CI;
}
