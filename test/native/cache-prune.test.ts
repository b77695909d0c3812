/**
 * The layer cache does not grow for ever: entries no app used for CHEFER_CACHE_MAX_AGE_DAYS
 * days go at the next start (at most once a day), and `--clean-cache` removes every entry no
 * running app needs, rootless files of subordinate ids included. An entry a running app
 * relies on is never removed.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { startApp, waitFor } from "../e2e/support.js";
import {
  buildApp,
  ensureTestUser,
  makeHome,
  makeLayer,
  runApp,
  skipReason,
  testUser,
  workDir,
} from "./support/app.js";

/** A layer of busybox and a marker that makes its digest differ from the other app's. */
async function layer(marker: string): Promise<Buffer> {
  return makeLayer([
    { name: "bin/" },
    { name: "bin/busybox", content: readFileSync("/bin/busybox"), mode: 0o755 },
    { name: "bin/sh", type: "symlink", linkname: "busybox" },
    { name: "data/", uid: 1000, gid: 1000 },
    { name: `data/${marker}`, content: marker, uid: 1000, gid: 1000 },
  ]);
}

const layersOf = (home: string) => join(home, ".cache/chefer/layers");

/** The complete cache entries (directories), without locks, stamps or leftovers. */
function entries(home: string): string[] {
  const dir = layersOf(home);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => d.name)
    .sort();
}

const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000);

/** Makes the entry look unused for `days`, and the last prune two days old. */
function age(home: string, entry: string, days: number): void {
  utimesSync(join(layersOf(home), `${entry}.lock`), daysAgo(days), daysAgo(days));
  const stamp = join(home, ".cache/chefer/last-prune");
  if (existsSync(stamp)) utimesSync(stamp, daysAgo(2), daysAgo(2));
}

describe("the layer cache", { skip: skipReason() }, () => {
  let dir = "";
  let appA = "";
  let appB = "";

  before(async () => {
    dir = workDir("prune");
    const sh = (script: string) => ({ Cmd: ["/bin/sh", "-c", script] });
    appA = await buildApp(dir, "app-a", [
      { name: "a", layers: [await layer("a")], config: sh('echo a-ran; [ -z "$HOLD" ] || exec sleep 30') },
    ]);
    appB = await buildApp(dir, "app-b", [
      { name: "b", layers: [await layer("b")], config: sh("echo b-ran") },
    ]);
  });

  it("removes an entry no app used for the configured days, at most once a day", async () => {
    const home = makeHome(dir);
    assert.equal((await runApp(appA, [], { home })).code, 0);
    const [a] = entries(home);
    assert.ok(a, "app A's layer is cached");
    age(home, a, 40);
    const b = await runApp(appB, [], { home });
    assert.equal(b.code, 0, b.stderr);
    assert.equal(entries(home).length, 1, "only app B's entry is left");
    assert.ok(!entries(home).includes(a));
    assert.match(b.stderr, /removed 1 cache entries no app used for 30 days/);

    // App A extracts its layer again and runs; its entry is fresh now.
    const again = await runApp(appA, [], { home });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /a-ran/);
    assert.ok(entries(home).includes(a));

    // Old again, but the last prune was just now: the next start does not prune.
    utimesSync(join(layersOf(home), `${a}.lock`), daysAgo(40), daysAgo(40));
    assert.equal((await runApp(appB, [], { home })).code, 0);
    assert.ok(entries(home).includes(a));
    // CHEFER_CACHE_MAX_AGE_DAYS=0 never prunes.
    age(home, a, 400);
    const off = await runApp(appB, [], { home, env: { CHEFER_CACHE_MAX_AGE_DAYS: "0" } });
    assert.equal(off.code, 0);
    assert.ok(entries(home).includes(a));
  });

  it("keeps an entry a running app relies on, however old its last use", async () => {
    const home = makeHome(dir);
    assert.equal((await runApp(appA, [], { home })).code, 0);
    const [a] = entries(home);
    assert.ok(a);
    const running = startApp(appA, home, ["--env", "HOLD=1"]);
    try {
      await waitFor(() => running.stdout().includes("a-ran"), 20000, running.stderr);
      age(home, a, 40);
      assert.equal((await runApp(appB, [], { home })).code, 0);
      const clean = await runApp(appB, ["--clean-cache"], { home });
      assert.match(clean.stdout, /kept 1 that running apps use/);
      assert.ok(entries(home).includes(a), "the running app's entry stays");
    } finally {
      running.child.kill("SIGTERM");
      await running.exited;
    }
  });

  for (const asUser of [false, true]) {
    const who = asUser ? `as the unprivileged user ${testUser}` : "as the calling user";
    it(`removes every entry no running app needs with --clean-cache, ${who}`, async (t) => {
      const why = asUser ? ensureTestUser() : undefined;
      if (why) return t.skip(why);
      const home = makeHome(dir, asUser);
      assert.equal((await runApp(appA, [], { home, asUser })).code, 0);
      assert.equal((await runApp(appB, [], { home, asUser })).code, 0);
      assert.equal(entries(home).length, 2);
      const clean = await runApp(appA, ["--clean-cache"], { home, asUser });
      assert.equal(clean.code, 0, clean.stderr);
      assert.match(clean.stdout, /^removed 2 cache entries from .*\/\.cache\/chefer\n$/);
      assert.deepEqual(entries(home), []);
      const leftovers = readdirSync(layersOf(home)).filter((n) => n.startsWith(".trash-"));
      assert.deepEqual(leftovers, [], "files of subordinate ids are gone too");
      const again = await runApp(appA, [], { home, asUser });
      assert.match(again.stdout, /a-ran/);
    });
  }
});
