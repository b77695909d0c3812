/**
 * service_probe, the runtime's way to run a command inside a running service (what a health
 * check needs), through the test driver: it joins the service's namespaces, root, USER,
 * working directory and environment, and its exit status is the command's.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import {
  busyboxLayer,
  buildApp,
  driverBin,
  ensureTestUser,
  makeHome,
  skipReason,
  testUser,
  workDir,
} from "./support/app.js";

const skip = skipReason() ?? (existsSync(driverBin) ? false : "the native test driver is missing");

function probe(exe: string, argv: string[], home: string, asUser: boolean) {
  const args = ["probe", exe, ...argv];
  const [cmd, full] = asUser
    ? ["setpriv", ["--reuid", testUser, "--regid", testUser, "--init-groups", "--", driverBin, ...args]]
    : [driverBin, args];
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(cmd as string, full as string[], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("a command run inside a running service", { skip }, () => {
  let dir = "";
  let exe = "";

  before(async () => {
    dir = workDir("probe");
    exe = await buildApp(dir, "probed", [
      {
        name: "main",
        layers: [await busyboxLayer()],
        config: { Cmd: ["/bin/sleep", "0.5"], WorkingDir: "/srv", User: "app", Env: ["MARK=env-ok"] },
      },
    ]);
  });

  for (const asUser of [false, true]) {
    it(`sees the service's processes, hostname, USER, workdir and env ${asUser ? "rootless" : "as root"}`, async (t) => {
      if (asUser) {
        const why = process.getuid?.() === 0 ? ensureTestUser() : "needs root to switch users";
        if (why) return t.skip(why);
      }
      const script = 'echo "$(id -un) $(hostname) $(pwd) $MARK"; tr "\\0" " " < /proc/1/cmdline; exit 4';
      const r = await probe(exe, ["/bin/sh", "-c", script], makeHome(dir, asUser), asUser);
      assert.equal(r.stdout, "app main /srv env-ok\n/bin/sleep 0.5 ", r.stderr);
      assert.match(r.stderr, /^probe exited 4$/m);
      assert.equal(r.code, 0);
    });
  }
});
