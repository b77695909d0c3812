import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { once } from "node:events";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  checkDisplay,
  checkDocker,
  checkKernel,
  checkPasta,
  checkSubordinateIds,
  checkUserNamespaceSysctls,
  type CheckResult,
} from "../../src/runtime/doctor.js";
import { cheferBin, runCli } from "../support/cli.js";

const lineShape = /^(PASS|WARN|FAIL) {2}[A-Za-z][^:]*: .+$/;

function fakeProcSys(values: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "chefer-procsys-"));
  for (const [name, value] of Object.entries(values)) {
    const parts = name.split(".");
    mkdirSync(join(dir, ...parts.slice(0, -1)), { recursive: true });
    writeFileSync(join(dir, ...parts), `${value}\n`);
  }
  return dir;
}

describe("chefer doctor", () => {
  it("prints one line per check, with a fix under each WARN and FAIL", async () => {
    const r = await runCli(["doctor"]);
    const lines = r.stdout.trimEnd().split("\n");
    for (const [i, line] of lines.entries()) {
      if (line.startsWith("      fix: ")) assert.match(lines[i - 1] ?? "", /^(WARN|FAIL)/);
      else assert.match(line, lineShape);
    }
    assert.match(r.stdout, /^PASS {2}user namespaces: a user and mount namespace can be created$/m);
    assert.equal(r.code, /^FAIL/m.test(r.stdout) ? 1 : 0);
  });

  it("prints the checks as JSON with --format json", async () => {
    const r = await runCli(["doctor", "--format", "json"]);
    const results = JSON.parse(r.stdout) as CheckResult[];
    assert.ok(results.length >= 8);
    for (const c of results) {
      assert.match(c.status, /^(PASS|WARN|FAIL)$/);
      assert.equal(typeof c.check, "string");
      if (c.status !== "PASS") assert.equal(typeof c.fix, "string");
    }
    assert.ok(results.some((c) => c.check === "overlayfs in a user namespace"));
  });

  it("exits 1 when a check fails", async () => {
    const r = await runCli(["doctor"], { env: { PATH: "/nonexistent" } });
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^FAIL {2}user namespaces: unshare --user failed/m);
  });

  it(
    "passes the user-namespace checks for an unprivileged user",
    {
      skip:
        process.getuid?.() !== 0 || spawnSync("id", ["chefer-test"]).status !== 0
          ? "needs root and the chefer-test user"
          : false,
    },
    () => {
      const r = spawnSync(
        "setpriv",
        [
          "--reuid",
          "chefer-test",
          "--regid",
          "chefer-test",
          "--init-groups",
          "--",
          process.execPath,
          cheferBin,
          "doctor",
        ],
        { encoding: "utf8", env: { ...process.env, HOME: "/home/chefer-test", NO_COLOR: "1" } },
      );
      assert.match(r.stdout, /^PASS {2}user namespaces: /m);
      assert.match(r.stdout, /^PASS {2}overlayfs in a user namespace: /m);
      assert.match(r.stdout, /^PASS {2}subordinate ids: uids 100000:65536/m);
    },
  );
});

describe("doctor checks", () => {
  it("fails when AppArmor restricts unprivileged user namespaces, with the sysctl to change", () => {
    const procSys = fakeProcSys({ "kernel.apparmor_restrict_unprivileged_userns": "1" });
    const r = checkUserNamespaceSysctls({ procSys });
    assert.equal(r.status, "FAIL");
    assert.match(r.fix ?? "", /sysctl -w kernel.apparmor_restrict_unprivileged_userns=0/);
  });

  it("fails on a kernel without openat2 and warns on one without rootless overlayfs", () => {
    assert.equal(checkKernel("5.4.0-150-generic").status, "FAIL");
    assert.equal(checkKernel("5.10.0-28-amd64").status, "WARN");
    assert.equal(checkKernel("6.1.0-18-amd64").status, "PASS");
  });

  it("fails when kernel.unprivileged_userns_clone is 0", () => {
    const procSys = fakeProcSys({ "kernel.unprivileged_userns_clone": "0" });
    assert.equal(checkUserNamespaceSysctls({ procSys }).status, "FAIL");
  });

  it("passes when the sysctls are absent or allow user namespaces", () => {
    const procSys = fakeProcSys({ "user.max_user_namespaces": "15000" });
    assert.equal(checkUserNamespaceSysctls({ procSys }).status, "PASS");
  });

  it("warns without subordinate ids and says how to add them", () => {
    const etc = mkdtempSync(join(tmpdir(), "chefer-etc-"));
    writeFileSync(join(etc, "subuid"), "other:100000:65536\n");
    writeFileSync(join(etc, "subgid"), "other:100000:65536\n");
    const r = checkSubordinateIds({ etc, uid: 1234, user: "alice" });
    assert.equal(r.status, "WARN");
    assert.match(
      r.fix ?? "",
      /usermod --add-subuids 100000-165535 --add-subgids 100000-165535 alice/,
    );
  });

  it("warns without a display and passes with a running X server, unless its cookie file is damaged", async () => {
    assert.equal(checkDisplay({ env: {} }).status, "WARN");
    assert.match(checkDisplay({ env: { DISPLAY: "build-host:5" } }).detail, /network: shared/);
    if (!existsSync("/usr/bin/Xvfb")) return;
    const xvfb = spawn("Xvfb", [":97", "-nolisten", "tcp"], { stdio: "ignore" });
    const dir = mkdtempSync(join(tmpdir(), "chefer-doctor-x-"));
    try {
      for (let i = 0; i < 50 && !existsSync("/tmp/.X11-unix/X97"); i++) await sleep(100);
      assert.equal(checkDisplay({ env: { DISPLAY: ":97" } }).status, "PASS");
      assert.equal(checkDisplay({ env: { DISPLAY: "unix:97.0" } }).status, "PASS");
      const cookie = join(dir, "Xauthority");
      writeFileSync(cookie, Buffer.from([0x01, 0x00, 0x00, 0x04, 0x68, 0x6f]));
      const r = checkDisplay({ env: { DISPLAY: ":97", XAUTHORITY: cookie } });
      assert.equal(r.status, "WARN");
      assert.match(r.detail, /cookie file .* is damaged/);
    } finally {
      xvfb.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says bridge apps get no outbound traffic without pasta, and passes with it", () => {
    const without = checkPasta({ env: { PATH: "/nonexistent" } });
    assert.equal(without.status, "WARN");
    assert.match(without.detail, /network: bridge get no outbound traffic/);
    assert.match(without.fix ?? "", /apt-get install passt/);
    if (spawnSync("pasta", ["--version"]).status !== 0) return;
    const found = checkPasta();
    assert.equal(found.status, "PASS", found.detail);
  });

  it("passes a Wayland socket for a desktop user and says an app started as root cannot use it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chefer-doctor-wl-"));
    const server = createServer().listen(join(dir, "wayland-7"));
    await once(server, "listening");
    try {
      const env = { XDG_RUNTIME_DIR: dir, WAYLAND_DISPLAY: "wayland-7" };
      assert.equal(checkDisplay({ env, uid: 1000 }).status, "PASS");
      const absolute = { WAYLAND_DISPLAY: join(dir, "wayland-7") };
      assert.equal(checkDisplay({ env: absolute, uid: 1000 }).status, "PASS");
      const asRoot = checkDisplay({ env, uid: 0 });
      assert.equal(asRoot.status, "WARN");
      assert.match(asRoot.detail, /started as root/);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds the Docker engine named by DOCKER_HOST", async (t) => {
    const host = process.env.CHEFER_TEST_DOCKER_HOST;
    if (!host) {
      if (process.env.CI) assert.fail("CHEFER_TEST_DOCKER_HOST is not set");
      t.skip("no test Docker engine (run scripts/services.sh start)");
      return;
    }
    const r = await checkDocker({ env: { DOCKER_HOST: host } });
    assert.equal(r.status, "PASS", r.detail);
    const missing = await checkDocker({ env: { DOCKER_HOST: "unix:///nonexistent.sock" } });
    assert.equal(missing.status, "WARN");
  });
});
