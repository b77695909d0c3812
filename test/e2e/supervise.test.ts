/**
 * Whole apps under the supervisor, through a real executable: a start gated on a dependency's
 * health check, prefixed output, fail-fast with the crashing service's exit code while the
 * others get their stop signal, a dependency whose health check never passes, and restarts by
 * policy.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import type { Healthcheck } from "../../src/appcipe/types.js";
import { makeHome, runApp, skipReason, volumeMount, workDir } from "../native/support/app.js";
import { buildNetApp, netLayer } from "./support.js";

const sh = (script: string) => ({ Cmd: ["/bin/sh", "-c", script] });

function quickCheck(shell: string): Healthcheck {
  return {
    test: { shell },
    intervalMs: 100,
    timeoutMs: 2000,
    retries: 3,
    startPeriodMs: 5000,
    startIntervalMs: 100,
  };
}

describe("an app under the supervisor", { skip: skipReason() }, () => {
  it("starts a service once its dependency is healthy and prefixes the other's output", async () => {
    const dir = workDir("e2e-sv");
    const layer = await netLayer();
    const shared = volumeMount("shared", "/shared");
    const exe = await buildNetApp(
      dir,
      "gated",
      [
        {
          name: "db",
          layers: [layer],
          config: sh("echo booting; sleep 0.6; touch /shared/ready; exec sleep 4545"),
          over: {
            mounts: [shared],
            healthcheck: quickCheck("test -f /shared/ready"),
            stopGracePeriodMs: 300,
          },
        },
        {
          name: "web",
          layers: [layer],
          config: sh("test -f /shared/ready && echo db-was-ready"),
          over: {
            mounts: [shared],
            interfaceMode: "terminal",
            dependsOn: [{ service: "db", condition: "service_healthy", required: true }],
          },
        },
      ],
      { volumes: ["shared"] },
    );
    const r = await runApp(exe, [], { home: makeHome(dir), env: { NO_COLOR: "1" } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^db \| booting$/m);
    assert.match(r.stdout, /^db-was-ready$/m);
  });

  it("passes a crashing service's exit code on and stops the others with SIGTERM", async () => {
    const dir = workDir("e2e-sv");
    const layer = await netLayer();
    const exe = await buildNetApp(dir, "crash", [
      {
        name: "steady",
        layers: [layer],
        config: sh("trap 'echo got-term; exit 0' TERM; echo up; sleep 4646 & wait"),
      },
      { name: "flaky", layers: [layer], config: sh("sleep 0.5; echo crashing; exit 5") },
    ]);
    const r = await runApp(exe, [], { home: makeHome(dir), env: { NO_COLOR: "1" } });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stdout, /^flaky {2}\| crashing$/m);
    assert.match(r.stdout, /^steady \| got-term$/m);
    assert.match(r.stderr, /error: service flaky exited with code 5/);
  });

  it("fails the app when a dependency never becomes healthy, never starting its dependent", async () => {
    const dir = workDir("e2e-sv");
    const layer = await netLayer();
    const exe = await buildNetApp(dir, "sick", [
      {
        name: "db",
        layers: [layer],
        config: sh("echo booting; exec sleep 4848"),
        over: {
          healthcheck: { ...quickCheck("echo not ready; exit 1"), startPeriodMs: 0 },
          stopGracePeriodMs: 300,
        },
      },
      {
        name: "web",
        layers: [layer],
        config: sh("echo web-started"),
        over: { dependsOn: [{ service: "db", condition: "service_healthy", required: true }] },
      },
    ]);
    const r = await runApp(exe, [], { home: makeHome(dir), env: { NO_COLOR: "1" } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /service web cannot start: its dependency db is unhealthy/);
    assert.match(r.stderr, /service db is unhealthy after 3 failed health checks; last: not ready/);
    assert.doesNotMatch(r.stdout, /web-started/);
    assert.match(r.stdout, /^db {2}\| booting$/m);
    const left = spawnSync("pgrep", ["-f", "sleep 4848"]).stdout.toString().trim();
    assert.equal(left, "", "no process of the app outlives it");
  });

  it("restarts an on-failure service until it succeeds, keeping its volume", async () => {
    const dir = workDir("e2e-sv");
    const script =
      "n=$(cat /v/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > /v/n; echo run $n; [ $n -ge 3 ]";
    const exe = await buildNetApp(
      dir,
      "retry",
      [
        {
          name: "job",
          layers: [await netLayer()],
          config: sh(script),
          over: {
            mounts: [volumeMount("v", "/v")],
            restart: { policy: "on-failure", maxRetries: 5 },
          },
        },
      ],
      { volumes: ["v"] },
    );
    const r = await runApp(exe, [], { home: makeHome(dir) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "run 1\nrun 2\nrun 3\n");
  });

  it("gives up after max_retries restarts and exits with the service's code", async () => {
    const dir = workDir("e2e-sv");
    const exe = await buildNetApp(dir, "giveup", [
      {
        name: "job",
        layers: [await netLayer()],
        config: sh("echo try; exit 7"),
        over: { restart: { policy: "on-failure", maxRetries: 2 } },
      },
    ]);
    const r = await runApp(exe, [], { home: makeHome(dir) });
    assert.equal(r.code, 7, r.stderr);
    assert.equal(r.stdout, "try\ntry\ntry\n");
  });
});
