/**
 * The visits demo (examples/demo) end to end, as a user runs it: `chefer from-compose`, then
 * `chefer build` against a Docker engine, then the executable. The web page counts visits in
 * redis; redis must be healthy before web starts; SIGTERM stops the app cleanly with nothing
 * left running; a second run continues the count from the volume in the data directory.
 * Needs the test Docker engine (`bash scripts/services.sh start`) and the example base image,
 * which examples/make-base-image.sh imports (debootstrap, slow the first time only).
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ensureTestUser, makeHome, testUser } from "../native/support/app.js";
import { buildExample, dockerAppSkipReason, startApp, waitFor } from "./support.js";

const page = "http://127.0.0.1:18080/";

/** Whether the web service answers its health page, which counts nothing. */
async function answers(): Promise<boolean> {
  try {
    const r = await fetch(`${page}health`, { signal: AbortSignal.timeout(3000) });
    return r.ok && (await r.text()) === "ok\n";
  } catch {
    return false;
  }
}

/**
 * One visit: exactly one request, never retried, since a retried request that reached the
 * server would count twice. The long timeout allows for a loaded machine.
 */
async function visit(): Promise<number> {
  const r = await fetch(page, { signal: AbortSignal.timeout(60000) });
  const body = await r.text();
  const m = /visited (\d+) times/.exec(body);
  if (!m) throw new Error(`unexpected page: ${JSON.stringify(body)}`);
  return Number(m[1]);
}

/** How many requests for the counting page the web service logged. */
function pageRequests(run: Visit): number {
  return (run.stdout + run.stderr).match(/"GET \/ HTTP\/1\.1" 200/g)?.length ?? 0;
}

/** The demo's processes, wherever they were reparented to. */
function leftovers(): string {
  const r = spawnSync("pgrep", ["-a", "-f", "redis-server|/app/server.py"]);
  return r.stdout.toString().trim();
}

interface Visit {
  code: number | null;
  counts: number[];
  stdout: string;
  stderr: string;
}

/** Runs the app, waits until it answers, visits the page twice, stops the app with SIGTERM. */
async function visitTwice(exe: string, home: string, asUser: boolean): Promise<Visit> {
  const app = asUser
    ? startApp("setpriv", home, ["--reuid", testUser, "--regid", testUser, "--init-groups", exe])
    : startApp(exe, home);
  const counts: number[] = [];
  try {
    await waitFor(answers, 60000, app.stderr);
    counts.push(await visit());
    counts.push(await visit());
  } finally {
    app.child.kill("SIGTERM");
  }
  return { code: await app.exited, counts, stdout: app.stdout(), stderr: app.stderr() };
}

describe("the visits demo", { skip: dockerAppSkipReason(), timeout: 300000 }, () => {
  let dir = "";
  let exe = "";

  before(async () => {
    ({ dir, exe } = await buildExample("demo"));
  });

  for (const asUser of [false, true]) {
    const who = asUser ? `as the unprivileged user ${testUser}` : "as the calling user";
    it(`counts visits, stops cleanly on SIGTERM and keeps the count across runs, ${who}`, async (t) => {
      const why = asUser ? ensureTestUser() : undefined;
      if (why) return t.skip(why);
      const home = makeHome(dir, asUser);

      const first = await visitTwice(exe, home, asUser);
      assert.equal(first.code, 143, first.stderr);
      assert.equal(first.counts[1], (first.counts[0] ?? 0) + 1, first.stderr);
      assert.equal(pageRequests(first), 2, "the web service saw each visit once");
      assert.equal(leftovers(), "", "no process of the app outlives it");

      const second = await visitTwice(exe, home, asUser);
      assert.equal(second.code, 143, second.stderr);
      // The count goes on from where the first run left it: redis kept its data.
      assert.deepEqual(second.counts, [(first.counts[1] ?? 0) + 1, (first.counts[1] ?? 0) + 2]);
      assert.match(second.stdout, /^redis \| .*Ready to accept connections/m);
    });
  }
});
