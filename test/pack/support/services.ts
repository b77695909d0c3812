import type { TestContext } from "node:test";
import { spawnSync } from "node:child_process";

/** The real services scripts/services.sh starts, read from the environment. */
export const services = {
  docker: process.env.CHEFER_TEST_DOCKER_HOST,
  registry: process.env.CHEFER_TEST_REGISTRY,
  authRegistry: process.env.CHEFER_TEST_AUTH_REGISTRY,
  authUser: process.env.CHEFER_TEST_AUTH_USER,
  authPassword: process.env.CHEFER_TEST_AUTH_PASSWORD,
};

/**
 * Skips a test whose service is missing, or fails it under CI, where every service must run.
 * Returns false when the test should stop.
 */
export function need(t: TestContext, ...names: (keyof typeof services)[]): boolean {
  const missing = names.filter((n) => !services[n]);
  if (missing.length === 0) return true;
  const why = `needs ${missing.join(", ")}: run \`bash scripts/services.sh start && source /tmp/chefer-test/env\``;
  if (process.env.CI) throw new Error(why);
  t.skip(why);
  return false;
}

/** Runs a command and returns its stdout, failing with its stderr. */
export function sh(cmd: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(cmd, args, { encoding: "utf8", env: { ...process.env, ...env } });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}
