/**
 * End to end: executables written by the real packer around the runtime, run as root and as
 * the unprivileged user chefer-test. What the service sees inside (uid 0, pid 1, hostname,
 * env, workdir, USER), exit codes, signals, volumes, the cache and its clean-up.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  busyboxLayer,
  buildApp,
  ensureTestUser,
  makeHome,
  runApp,
  skipReason,
  testUser,
  volumeMount,
  workDir,
} from "./support/app.js";

const isRoot = process.getuid?.() === 0;
const userSkip = skipReason() ?? (isRoot ? ensureTestUser() : `run as root to test as ${testUser}`);

const probe =
  'echo "uid=$(id -u) pid=$$ host=$(hostname) pwd=$(pwd) greeting=$GREETING extra=$EXTRA"';

for (const asUser of [false, true]) {
  const who = asUser ? `as ${testUser}` : "as the calling user";
  describe(`a packed app run ${who}`, { skip: asUser ? userSkip : skipReason() }, () => {
    let dir = "";
    let exe = "";
    let users = "";
    let initApp = "";
    const run = (args: string[], env: Record<string, string> = {}, home = makeHome(dir, asUser)) =>
      runApp(exe, args, { home, asUser, env });

    before(async () => {
      dir = workDir("run");
      exe = await buildApp(
        dir,
        "probe",
        [
          {
            name: "main",
            layers: [await busyboxLayer()],
            config: { Env: ["GREETING=hello"], WorkingDir: "/work", Cmd: ["/bin/sh", "-c", probe] },
            over: { mounts: [volumeMount("state", "/state")], stopGracePeriodMs: 300 },
          },
        ],
        ["state"],
      );
      users = await buildApp(dir, "users", [
        {
          name: "main",
          layers: [await busyboxLayer()],
          config: { User: "app", Cmd: ["/bin/id"] },
          over: { init: true },
        },
      ]);
      initApp = await buildApp(dir, "initapp", [
        {
          name: "main",
          layers: [await busyboxLayer()],
          config: { Cmd: ["/bin/true"] },
          over: { init: true },
        },
      ]);
    });

    it("runs the service as uid 0 and pid 1 with its hostname, env and workdir", async () => {
      const r = await run([]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "uid=0 pid=1 host=main pwd=/work greeting=hello extra=\n");
    });

    it("replaces the cmd with the arguments after -- and adds --env variables", async () => {
      const r = await runApp(
        exe,
        ["--env", "EXTRA=x1", "--", "/bin/sh", "-c", "echo $EXTRA; exit 7"],
        {
          home: makeHome(dir, asUser),
          asUser,
        },
      );
      assert.equal(r.stdout, "x1\n");
      assert.equal(r.code, 7);
    });

    it("honours USER by name with supplementary groups, and as uid:gid", async () => {
      const home = makeHome(dir, asUser);
      const byName = await runApp(users, ["--", "/bin/id"], { home, asUser });
      assert.equal(
        byName.stdout,
        "uid=1000(app) gid=1000(app) groups=1000(app),2000(extra)\n",
        byName.stderr,
      );
      const byIds = await runApp(users, [], { home, asUser });
      assert.equal(byIds.code, 0, byIds.stderr);
    });

    it("lets container root chown files and switch users, as redis and postgres images do", async () => {
      const script =
        "touch /tmp/owned && /bin/busybox chown 1000:1000 /tmp/owned && stat -c %u:%g /tmp/owned && " +
        "/bin/busybox su -s /bin/sh app -c 'id -u'";
      const r = await run(["--", "/bin/sh", "-c", script]);
      assert.equal(r.stdout, "1000:1000\n1000\n", r.stderr);
    });

    it("says how to get subordinate ids when USER needs more than one id", async () => {
      const r = await runApp(users, ["--", "/bin/id"], {
        home: makeHome(dir, asUser),
        asUser,
        env: { CHEFER_IDMAP: "single" },
      });
      assert.equal(r.code, 125);
      assert.match(
        r.stderr,
        /user "app" \(.*not mapped in this user namespace\).*\n {2}fix: .*\/etc\/subuid/,
      );
    });

    it("leaves no host descriptor open in the service or its init process", async () => {
      const r = await runApp(initApp, ["--", "/bin/sh", "-c", "ls /proc/1/fd /proc/self/fd"], {
        home: makeHome(dir, asUser),
        asUser,
      });
      // ls's own directory is fd 3. The init process may also be unreadable (not dumpable).
      assert.match(
        r.stdout,
        /^\/proc\/1\/fd:\n(0\n1\n2\n)?\n\/proc\/self\/fd:\n0\n1\n2\n3\n$/,
        r.stderr,
      );
    });

    it("puts an init process at pid 1 with init: true", async () => {
      const r = await runApp(users, ["--", "/bin/sh", "-c", "echo $$"], {
        home: makeHome(dir, asUser),
        asUser,
      });
      assert.equal(r.stdout, "2\n", r.stderr);
    });

    it("keeps data in a volume across two runs", async () => {
      const home = makeHome(dir, asUser);
      const add = ["--", "/bin/sh", "-c", "echo run >> /state/log; wc -l < /state/log"];
      assert.equal((await run(add, {}, home)).stdout.trim(), "1");
      assert.equal((await run(add, {}, home)).stdout.trim(), "2");
    });

    it("passes stdin through and the output of the service unchanged", async () => {
      const r = await runApp(exe, ["--", "/bin/cat"], {
        home: makeHome(dir, asUser),
        asUser,
        input: "abc\n",
      });
      assert.equal(r.stdout, "abc\n");
    });

    it("reuses an intact cache entry and leaves no run directory behind", async () => {
      const home = makeHome(dir, asUser);
      await run([], {}, home);
      const second = await run([], { CHEFER_LOG: "debug" }, home);
      assert.match(second.stderr, /cache entry intact/);
      // The run directory is removed by a detached process after the app has exited.
      const runDir = join(home, ".cache/chefer/run");
      for (let i = 0; i < 50 && readdirSync(runDir).length > 0; i++) await sleep(100);
      assert.deepEqual(readdirSync(runDir), []);
    });

    it("removes run directories and extractions that a killed runtime left behind", async () => {
      const home = makeHome(dir, asUser);
      await run([], {}, home);
      const cache = join(home, ".cache/chefer");
      const stale = join(cache, "run/probe-4000000-0badf00d");
      const live = join(cache, `run/probe-${process.pid}-0badf00d`);
      const entry = readdirSync(join(cache, "layers")).find((n) => !n.endsWith(".lock")) as string;
      const leftover = join(cache, "layers", `.tmp-${entry}-deadbeef`);
      for (const d of [join(stale, "main/upper"), live, join(leftover, "root")])
        mkdirSync(d, { recursive: true });
      rmSync(join(cache, "layers", entry, "index"));
      // Leftovers belong to container root, as the runtime would have made them.
      const owner = statSync(join(cache, "layers", entry));
      spawnSync("chown", ["-R", `${owner.uid}:${owner.gid}`, stale, live, leftover]);
      const r = await run([], {}, home);
      assert.equal(r.code, 0, r.stderr);
      for (let i = 0; i < 50 && existsSync(stale); i++) await sleep(100);
      assert.equal(existsSync(stale), false, "the stale run directory is removed");
      assert.equal(existsSync(live), true, "a run directory of a live process stays");
      assert.equal(existsSync(leftover), false, "the interrupted extraction is removed");
    });

    it("re-extracts a layer whose cache entry was changed", { skip: !isRoot }, async () => {
      const home = makeHome(dir, asUser);
      await run([], {}, home);
      const layers = join(home, ".cache/chefer/layers");
      const entry = readdirSync(layers).find((n) => !n.endsWith(".lock")) as string;
      appendFileSync(join(layers, entry, "root/etc/passwd"), "evil:x:0:0::/:/bin/sh\n");
      const r = await run(["--", "/bin/sh", "-c", "grep -c evil /etc/passwd || true"], {}, home);
      assert.match(r.stderr, /does not match its index/);
      assert.equal(r.stdout.trim(), "0");
    });

    it("extracts into the run directory only with --no-cache", async () => {
      const home = makeHome(dir, asUser);
      const r = await run(["--no-cache"], {}, home);
      assert.equal(r.code, 0, r.stderr);
      const layers = join(home, ".cache/chefer/layers");
      assert.deepEqual(existsSync(layers) ? readdirSync(layers) : [], []);
    });

    it("starts two copies at once on an empty cache", async () => {
      const home = makeHome(dir, asUser);
      const [a, b] = await Promise.all([run([], {}, home), run([], {}, home)]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
    });

    it("forwards SIGTERM to the service and passes its exit code on", async () => {
      const home = makeHome(dir, asUser);
      const script =
        'trap "echo got-term; exit 3" TERM; echo ready; while true; do sleep 0.05; done';
      const r = await signalled(exe, ["--", "/bin/sh", "-c", script], home, asUser, "SIGTERM");
      assert.equal(r.stdout, "ready\ngot-term\n");
      assert.equal(r.code, 3);
    });

    it("kills a service that ignores SIGTERM after its grace period and reports 128+9", async () => {
      const r = await signalled(
        exe,
        ["--", "/bin/sh", "-c", "echo ready; exec sleep 30"],
        makeHome(dir, asUser),
        asUser,
        "SIGTERM",
      );
      assert.equal(r.code, 137);
    });

    it("leaves no process behind when the service exits", async () => {
      const r = await run(["--", "/bin/sh", "-c", "sleep 4242 & echo started"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(spawnSync("pgrep", ["-f", "^sleep 4242$"]).status, 1);
    });
  });
}

/** Starts the app, waits for "ready" on stdout, sends sig to the runtime, collects the rest. */
function signalled(
  exe: string,
  args: string[],
  home: string,
  asUser: boolean,
  sig: NodeJS.Signals,
): Promise<{ code: number | null; stdout: string }> {
  const argv = asUser
    ? ["--reuid", testUser, "--regid", testUser, "--init-groups", "--", exe, ...args]
    : args;
  const child = spawn(asUser ? "setpriv" : exe, argv, {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let stdout = "";
  return new Promise((resolve) => {
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (stdout === "ready\n") child.kill(sig);
    });
    child.on("close", (code) => resolve({ code, stdout }));
  });
}
