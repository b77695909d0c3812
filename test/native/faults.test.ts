/**
 * Faults the runtime must survive: killed with SIGKILL while an app runs or while it extracts
 * its first layers, a cache or data directory that runs out of space, and two copies started
 * at once on a cold cache. Each ends in a clear error or a correct recovery: no process of
 * the app is left, no data written before the fault is lost, and nothing half done is ever
 * taken for complete by the next run.
 */
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  busyboxLayer,
  buildApp,
  ensureTestUser,
  makeHome,
  makeLayer,
  runApp,
  skipReason,
  testUser,
  volumeMount,
  workDir,
  type RunResult,
} from "./support/app.js";

const isRoot = process.getuid?.() === 0;
const userSkip = skipReason() ?? (isRoot ? ensureTestUser() : `run as root to test as ${testUser}`);

/** A running runtime: its process and a promise of its result. */
interface Started {
  child: ChildProcess;
  done: Promise<RunResult>;
}

/** Starts an executable in the background, as runApp runs it, so a test can kill it. */
function startApp(exe: string, args: string[], home: string, asUser: boolean): Started {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home };
  const argv = ["--reuid", testUser, "--regid", testUser, "--init-groups", "--", exe, ...args];
  const child = asUser
    ? spawn("setpriv", argv, { env, stdio: ["ignore", "pipe", "pipe"] })
    : spawn(exe, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  // "exit", not "close": a service that outlived a killed runtime would hold its pipes open.
  const done = new Promise<RunResult>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Polls until check returns a value other than undefined, or fails after timeoutMs. */
async function waitFor<T>(what: string, check: () => T | undefined, app?: Started): Promise<T> {
  const end = Date.now() + 20000;
  let exited = false;
  void app?.done.then(() => (exited = true));
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end || exited) {
      const r = exited ? await app?.done : undefined;
      throw new Error(`timed out waiting for ${what}${r ? `; the app exited:\n${r.stderr}` : ""}`);
    }
    await sleep(20);
  }
}

/** The command lines of processes that carry marker, as `pgrep -a -f` prints them. */
function processesWith(marker: string): string {
  return spawnSync("pgrep", ["-a", "-f", marker]).stdout.toString().trim();
}

/** Waits a little for the kernel to finish killing, then returns what is still there. */
async function leftovers(marker: string): Promise<string> {
  for (let i = 0; i < 100 && processesWith(marker) !== ""; i++) await sleep(50);
  return processesWith(marker);
}

/** The lines of a file, or none when it does not exist yet. */
function linesOf(path: string): string[] {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];
}

function entries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** Cache entries that look complete: a directory named <digest>-<idmap>, not a temp name. */
function completeEntries(cache: string): string[] {
  const layers = join(cache, "layers");
  return entries(layers).filter(
    (n) => !n.startsWith(".") && !n.endsWith(".lock") && statSync(join(layers, n)).isDirectory(),
  );
}

/** A writer that appends a numbered line to the volume every 0.1 s and syncs it. */
function writerScript(): string {
  return 'i=0; while :; do i=$((i+1)); echo "line $i" >> /data/log; sync; sleep 0.1; done';
}

for (const asUser of [false, true]) {
  const who = asUser ? `as ${testUser}` : "as the calling user";
  describe(`a runtime killed with SIGKILL while its app runs, ${who}`, { skip: asUser ? userSkip : skipReason() }, () => {
    let dir = "";
    let exe = "";
    const marker = `chefer-fault-${randomUUID().slice(0, 8)}`;

    before(async () => {
      dir = workDir("faults-kill");
      const base = await busyboxLayer();
      const sync = await makeLayer([{ name: "bin/sync", type: "symlink", linkname: "busybox" }]);
      exe = await buildApp(
        dir,
        "killed",
        [
          {
            name: "writer",
            layers: [base, sync],
            config: { Cmd: ["/bin/sh", "-c", writerScript(), `${marker}-writer`] },
            over: { mounts: [volumeMount("data", "/data")], stopGracePeriodMs: 300 },
          },
          {
            // Not root in the container: switching ids clears a process's parent-death
            // signal, so this checks that the kill reaches a service that did.
            name: "idler",
            layers: [base],
            config: {
              User: "app",
              Cmd: ["/bin/sh", "-c", "while :; do sleep 0.2; done", `${marker}-idler`],
            },
            over: { stopGracePeriodMs: 300 },
          },
        ],
        ["data"],
      );
    });

    it("leaves no process of the app, keeps the volume's lines, and runs again cleanly", async () => {
      const home = makeHome(dir, asUser);
      const data = join(home, "data");
      const args = ["--data-dir", data];
      const first = startApp(exe, args, home, asUser);
      const log = await waitFor("the writer's third line", () => findLog(data, 3), first);
      await waitFor("the idler", () => (processesWith(`${marker}-idler`) ? true : undefined), first);
      const runs = join(home, ".cache/chefer/run");
      const own = entries(runs).find((n) => n.includes(`-${first.child.pid}-`)) as string;
      assert.equal(statSync(join(runs, own)).mode & 0o777, 0o700, "a run directory is private");
      first.child.kill("SIGKILL");
      await first.done;

      assert.equal(await leftovers(marker), "", "no process of the app outlives the runtime");
      const kept = linesOf(log);
      assert.deepEqual(
        kept,
        kept.map((_, i) => `line ${i + 1}`),
      );

      const second = startApp(exe, args, home, asUser);
      await waitFor(
        "the writer's next lines",
        () => (linesOf(log).length >= kept.length + 3 ? true : undefined),
        second,
      );
      assert.deepEqual(linesOf(log).slice(0, kept.length), kept, "the volume is reused as it was");
      second.child.kill("SIGTERM");
      const end = await second.done;
      // Removal happens in a detached process once the runtime has exited.
      for (let i = 0; i < 100 && entries(runs).length > 0; i++) await sleep(50);
      assert.deepEqual(entries(runs), [], "the killed run's directory is removed");
      assert.equal(await leftovers(marker), "", end.stderr);
    });
  });
}

/** The volume's log file under the data directory once it holds at least n lines. */
function findLog(data: string, n: number): string | undefined {
  const found = spawnSync("find", [data, "-name", "log", "-type", "f"]).stdout.toString().trim();
  const path = found.split("\n")[0];
  return path && linesOf(path).length >= n ? path : undefined;
}

/** A layer of `files` files of 16 MiB of random bytes each: slow enough to extract that a
 * test can kill the runtime in the middle. */
async function bigLayer(files: number): Promise<Buffer> {
  const entries = Array.from({ length: files }, (_, i) => ({
    name: `big/blob-${i}`,
    content: randomBytes(16 << 20),
  }));
  return makeLayer([{ name: "big/" }, ...entries]);
}

function digestOf(layer: Buffer): string {
  return createHash("sha256").update(layer).digest("hex");
}

describe("a runtime killed during its first extraction", { skip: skipReason() }, () => {
  let dir = "";
  let exe = "";
  let bigHex = "";

  before(async () => {
    dir = workDir("faults-extract");
    const big = await bigLayer(8);
    bigHex = digestOf(big);
    exe = await buildApp(dir, "bigapp", [
      {
        name: "main",
        layers: [await busyboxLayer(), big],
        config: { Cmd: ["/bin/sh", "-c", "cat /big/* | wc -c"] },
      },
    ]);
  });

  for (const asUser of [false, true]) {
    const who = asUser ? `as ${testUser}` : "as the calling user";
    it(`never uses the half-extracted layer; the next run removes it, extracts again and runs, ${who}`, { skip: asUser ? userSkip : false }, async () => {
    const home = makeHome(dir, asUser);
    const layers = join(home, ".cache/chefer/layers");
    const first = startApp(exe, [], home, asUser);
    const partial = await waitFor(
      "the extraction of the big layer",
      () => entries(layers).find((n) => n.startsWith(`.tmp-${bigHex}`)),
      first,
    );
    first.child.kill("SIGKILL");
    await first.done;
    await sleep(200); // the sandbox dies with the runtime; let it go before looking
    assert.equal(
      completeEntries(join(home, ".cache/chefer")).some((n) => n.startsWith(bigHex)),
      false,
      "a half-extracted layer never looks complete",
    );

    const second = await runApp(exe, [], { home, asUser });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.trim(), String(8 * (16 << 20)));
    assert.equal(entries(layers).includes(partial), false, "the interrupted extraction is removed");
    assert.deepEqual(
      entries(layers).filter((n) => n.startsWith(".")),
      [],
    );
  });
  }
});

describe("two copies started at once on a cold cache", { skip: skipReason() }, () => {
  it("extracts the big layer once while the other copy waits, and both run", async () => {
    const dir = workDir("faults-twice");
    const big = await bigLayer(4);
    const bigHex = digestOf(big);
    const exe = await buildApp(dir, "twice", [
      {
        name: "main",
        layers: [await busyboxLayer(), big],
        config: { Cmd: ["/bin/sh", "-c", "cat /big/* | wc -c"] },
      },
    ]);
    const home = makeHome(dir);
    const env = { CHEFER_LOG: "debug" };
    const [a, b] = await Promise.all([runApp(exe, [], { home, env }), runApp(exe, [], { home, env })]);
    for (const r of [a, b]) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), String(4 * (16 << 20)));
    }
    // Each layer is extracted by one copy only: the other waits on the entry's lock.
    const extractions = (r: RunResult) => r.stderr.match(/^extracting layers \d+\/\d+$/gm)?.length ?? 0;
    assert.equal(extractions(a) + extractions(b), 2, "each of the 2 layers is extracted once");
    const cache = join(home, ".cache/chefer");
    assert.equal(completeEntries(cache).filter((n) => n.startsWith(bigHex)).length, 1);
    assert.deepEqual(entries(join(cache, "layers")).filter((n) => n.startsWith(".")), []);
  });
});

/** Mounts a tmpfs of the given size on a new directory under dir; returns its path. */
function smallDisk(dir: string, name: string, size: string): string {
  const path = join(dir, name);
  mkdirSync(path);
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", path]);
  assert.equal(r.status, 0, `mount a tmpfs on ${path}: ${String(r.stderr)}`);
  after(() => void spawnSync("umount", ["-l", path]));
  return path;
}

/** A layer of n one-byte files: about 1 KiB each in the tar, a 4 KiB page each on tmpfs, so
 * it passes the free-space check and still fills the disk. */
function smallFilesLayer(n: number): Promise<Buffer> {
  const files = Array.from({ length: n }, (_, i) => ({ name: `many/f${i}`, content: "x" }));
  return makeLayer([{ name: "many/" }, ...files]);
}

describe("a cache directory that runs out of space", { skip: isRoot ? skipReason() : "mounting a tmpfs needs root" }, () => {
  let dir = "";
  let exe = "";
  let writer = "";
  let manyHex = "";

  before(async () => {
    dir = workDir("faults-space");
    const many = await smallFilesLayer(3000);
    manyHex = digestOf(many);
    exe = await buildApp(dir, "full", [
      {
        name: "main",
        layers: [await busyboxLayer(), many],
        config: { Cmd: ["/bin/sh", "-c", "ls /many | wc -l"] },
      },
    ]);
    const write = "echo data > /data/file || exit 3";
    writer = await buildApp(
      dir,
      "volume",
      [
        {
          name: "main",
          layers: [await busyboxLayer()],
          config: { Cmd: ["/bin/sh", "-c", write] },
          over: { mounts: [volumeMount("data", "/data")] },
        },
      ],
      ["data"],
    );
  });

  it("says the disk is full, names the cache and the fix, keeps no entry, and runs once there is room", async () => {
    const home = makeHome(dir);
    const cacheHome = smallDisk(dir, "cache", "8m");
    const env = { XDG_CACHE_HOME: cacheHome };
    const full = await runApp(exe, [], { home, env });
    assert.equal(full.code, 4, full.stderr);
    assert.match(full.stderr, /error: extract layer \w+ into cache \S+ the disk is full \(ENOSPC\)/);
    assert.ok(full.stderr.includes(join(cacheHome, "chefer")), full.stderr);
    assert.match(full.stderr, /fix: free space on that disk, or set XDG_CACHE_HOME/);
    const cache = join(cacheHome, "chefer");
    assert.equal(completeEntries(cache).some((n) => n.startsWith(manyHex)), false);
    assert.deepEqual(entries(join(cache, "layers")).filter((n) => n.startsWith(".")), []);

    spawnSync("mount", ["-o", "remount,size=64m", cacheHome]);
    const roomy = await runApp(exe, [], { home, env });
    assert.equal(roomy.code, 0, roomy.stderr);
    assert.equal(roomy.stdout.trim(), "3000");
  });

  it("refuses to start on a full disk with a warm cache, naming the cache, and starts once space is freed", async () => {
    const home = makeHome(dir);
    const cacheHome = smallDisk(dir, "warm", "24m");
    const env = { XDG_CACHE_HOME: cacheHome };
    assert.equal((await runApp(exe, [], { home, env })).code, 0);
    const fill = join(cacheHome, "fill");
    spawnSync("dd", ["if=/dev/zero", `of=${fill}`, "bs=64k"]);
    const full = await runApp(exe, [], { home, env });
    assert.equal(full.code, 4, full.stderr);
    assert.match(full.stderr, /error: prepare the run directory in cache \S+ the disk is full \(ENOSPC/);
    assert.match(full.stderr, /fix: free space on that disk, or set XDG_CACHE_HOME/);
    rmSync(fill);
    const freed = await runApp(exe, [], { home, env });
    assert.equal(freed.code, 0, freed.stderr);
    assert.equal(freed.stdout.trim(), "3000");
  });

  it("starts with a full data directory and leaves the failed write to the service", async () => {
    // The runtime only creates directories there, which a full file system still allows;
    // the service meets ENOSPC on its own write, as in a Docker volume on a full disk.
    const data = smallDisk(dir, "data", "1m");
    spawnSync("dd", ["if=/dev/zero", `of=${join(data, "fill")}`, "bs=64k"]);
    const r = await runApp(writer, ["--data-dir", data], { home: makeHome(dir) });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /No space left on device/);
  });
});
