/**
 * The notes example (examples/notes) end to end, as a user runs it: `chefer from-compose`,
 * `chefer build` against a Docker engine, then the executable. The web service keeps notes in
 * PostgreSQL and starts only once the database is healthy. The database's entrypoint starts as
 * root, gives the volume to the postgres user and switches to it, which rootless needs
 * subordinate ids for; postgres refuses to run as root, so a database that answers proves the
 * switch. SIGTERM stops the app cleanly; a second run finds the notes in the cluster the
 * volume kept.
 * Needs the test Docker engine (`bash scripts/services.sh start`) and the example base image,
 * which examples/make-base-image.sh imports (debootstrap, slow the first time only).
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ensureTestUser, makeHome, testUser } from "../native/support/app.js";
import { buildExample, dockerAppSkipReason, startApp, waitFor } from "./support.js";

const site = "http://127.0.0.1:18081/";

/** Whether the web service answers its health page, which does not touch the database. */
async function answers(): Promise<boolean> {
  try {
    const r = await fetch(`${site}health`, { signal: AbortSignal.timeout(3000) });
    return r.ok && (await r.text()) === "ok\n";
  } catch {
    return false;
  }
}

/** Adds one note: one request, never retried, since a retry could add it twice. */
async function addNote(body: string): Promise<void> {
  const r = await fetch(`${site}notes`, {
    method: "POST",
    body,
    signal: AbortSignal.timeout(60000),
  });
  assert.equal(r.status, 201, await r.text());
}

/** The notes the web service lists, oldest first. */
async function listNotes(): Promise<string[]> {
  const r = await fetch(site, { signal: AbortSignal.timeout(60000) });
  const body = await r.text();
  assert.equal(r.status, 200, body);
  return body.split("\n").filter((line) => line !== "");
}

/** The example's service processes, wherever they were reparented to, by names no other test uses. */
function services(): string {
  const r = spawnSync("pgrep", ["-a", "-f", "postgres -D /var/lib/postgresql/data|/app/notes.py"]);
  return r.stdout.toString().trim();
}

/**
 * Checks that the services ended with the app, and that the runtime's own helpers (the
 * detached clean-up of the run directory) end soon after.
 */
async function assertNothingLeft(exe: string): Promise<void> {
  assert.equal(services(), "", "no service process outlives the app");
  const helpers = () => spawnSync("pgrep", ["-a", "-f", exe]).stdout.toString().trim();
  await waitFor(
    () => helpers() === "",
    20000,
    () => `still running: ${helpers()}`,
  );
}

interface Run {
  code: number | null;
  notes: string[];
  stdout: string;
  stderr: string;
}

/** Runs the app until it answers, adds the notes given, lists them, then sends SIGTERM. */
async function session(exe: string, home: string, asUser: boolean, add: string[]): Promise<Run> {
  const app = asUser
    ? startApp("setpriv", home, ["--reuid", testUser, "--regid", testUser, "--init-groups", exe])
    : startApp(exe, home);
  let notes: string[] = [];
  try {
    await waitFor(answers, 90000, app.stderr);
    for (const note of add) await addNote(note);
    notes = await listNotes();
  } finally {
    app.child.kill("SIGTERM");
  }
  return { code: await app.exited, notes, stdout: app.stdout(), stderr: app.stderr() };
}

/** How often the database's entrypoint created a new cluster, from the app's output. */
function initdbs(run: Run): number {
  return run.stdout.match(/^db +\| db: initialising a new cluster/gm)?.length ?? 0;
}

describe("the notes example", { skip: dockerAppSkipReason(), timeout: 400000 }, () => {
  let dir = "";
  let exe = "";

  before(async () => {
    const built = await buildExample("notes");
    ({ dir, exe } = built);
    assert.match(built.converted, /2 services, 0 warnings/);
  });

  for (const asUser of [false, true]) {
    const who = asUser ? `as the unprivileged user ${testUser}` : "as the calling user";
    it(`keeps notes in postgres, stops cleanly on SIGTERM and keeps them across runs, ${who}`, async (t) => {
      const why = asUser ? ensureTestUser() : undefined;
      if (why) return t.skip(why);
      const home = makeHome(dir, asUser);

      const first = await session(exe, home, asUser, ["buy milk", "call the plumber"]);
      assert.equal(first.code, 143, first.stderr);
      assert.deepEqual(first.notes, ["buy milk", "call the plumber"], first.stderr);
      assert.equal(initdbs(first), 1, first.stdout);
      // The image's STOPSIGNAL (SIGINT) reached postgres, not the default SIGTERM.
      assert.match(first.stderr, /^db +\| .*received fast shutdown request/m);
      await assertNothingLeft(exe);

      const second = await session(exe, home, asUser, []);
      assert.equal(second.code, 143, second.stderr);
      assert.deepEqual(second.notes, ["buy milk", "call the plumber"], second.stderr);
      // The cluster came back from the volume: no second initdb, and postgres says so.
      assert.equal(initdbs(second), 0, second.stdout);
      assert.match(second.stdout, /^db +\| db: using the existing cluster/m);
      // The first run's SIGTERM shut postgres down cleanly: it needed no crash recovery.
      assert.match(second.stderr, /database system was shut down at/);
      await assertNothingLeft(exe);
    });
  }
});
