import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildDriver,
  processesWith,
  runDriver,
  serviceEvents,
  startDriver,
  tsOf,
  uniqueSleep,
} from "./driver.js";

const skip = buildDriver();

/** Health check flags that probe every 50 ms. */
const fastHealth = (cmd: string, retries = 3) => [
  "--health",
  cmd,
  "--health-interval",
  "50",
  "--health-start-interval",
  "50",
  "--health-retries",
  String(retries),
];

test(
  "starts a dependent as soon as its dependency is healthy, and independent services at once",
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "chefer-sv-"));
    const sleep = uniqueSleep();
    try {
      const run = startDriver([
        "--service",
        "db",
        "--cmd",
        `sleep 0.4; touch ${dir}/ready; exec sleep ${sleep}`,
        ...fastHealth(`test -f ${dir}/ready`),
        "--health-start-period",
        "5000",
        "--service",
        "web",
        "--cmd",
        `exec sleep ${sleep}`,
        "--depends",
        "db:service_healthy",
        "--service",
        "cache",
        "--cmd",
        `exec sleep ${sleep}`,
      ]);
      await run.waitFor((e) => e.t === "app" && e.state === "running");
      run.child.kill("SIGTERM");
      const { code, events } = await run.exited;

      const healthy = tsOf(events, "db", "healthy");
      const webStart = tsOf(events, "web", "starting");
      assert.ok(tsOf(events, "cache", "starting") < 200, "cache does not wait for db's health");
      assert.ok(tsOf(events, "web", "waiting") < 200, "web is reported waiting at once");
      assert.ok(healthy >= 350, `db is healthy only once ready (at ${healthy} ms)`);
      assert.ok(webStart >= healthy, "web starts after db is healthy");
      assert.ok(
        webStart - healthy < 150,
        `web starts ${webStart - healthy} ms after db is healthy`,
      );
      assert.equal(code, 143);
      assert.deepEqual(processesWith(sleep), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "starts a service_completed_successfully dependent after its dependency exits 0",
  { skip },
  async () => {
    const { code, events, stdout } = await runDriver([
      "--service",
      "migrate",
      "--cmd",
      "sleep 0.2; echo migrated",
      "--service",
      "web",
      "--cmd",
      "echo served",
      "--depends",
      "migrate:service_completed_successfully",
    ]);

    assert.equal(code, 0);
    assert.ok(tsOf(events, "web", "starting") >= tsOf(events, "migrate", "exited"));
    assert.ok(stdout.indexOf("migrated") < stdout.indexOf("served"));
  },
);

test(
  "fails the app with the code of a service_completed_successfully dependency that fails",
  { skip },
  async () => {
    const { code, events, stderr } = await runDriver([
      "--service",
      "migrate",
      "--cmd",
      "exit 3",
      "--service",
      "web",
      "--cmd",
      "echo served",
      "--depends",
      "migrate:service_completed_successfully",
    ]);

    assert.equal(code, 3);
    assert.match(stderr, /service migrate exited with code 3/);
    assert.deepEqual(serviceEvents(events, "web", "starting"), []);
    assert.equal(serviceEvents(events, "web", "stopped").length, 1);
  },
);

test(
  "fails with a clear message when a health check never passes, leaving no process behind",
  { skip },
  async () => {
    const sleep = uniqueSleep();
    const { code, events, stderr } = await runDriver([
      "--service",
      "db",
      "--cmd",
      `exec sleep ${sleep}`,
      ...fastHealth("echo not ready; exit 1", 2),
      "--service",
      "web",
      "--cmd",
      `exec sleep ${sleep}`,
      "--depends",
      "db:service_healthy",
    ]);

    assert.equal(code, 1);
    assert.match(stderr, /service web cannot start: its dependency db is unhealthy/);
    assert.match(stderr, /service db is unhealthy after 2 failed health checks; last: not ready/);
    const health = events.filter((e) => e.t === "health");
    assert.deepEqual(
      health.map((e) => [e.status, e.failing_streak, e.output]),
      [
        ["starting", 1, "not ready"],
        ["unhealthy", 2, "not ready"],
      ],
    );
    assert.deepEqual(serviceEvents(events, "web", "starting"), []);
    assert.deepEqual(processesWith(sleep), []);
  },
);

test(
  "kills a health probe that runs past its timeout and counts it as failed",
  { skip },
  async () => {
    const sleep = uniqueSleep();
    const started = Date.now();
    const { code, events } = await runDriver([
      "--service",
      "db",
      "--cmd",
      `exec sleep ${sleep}`,
      ...fastHealth(`exec sleep ${sleep}`, 1),
      "--health-timeout",
      "100",
      "--service",
      "web",
      "--cmd",
      "true",
      "--depends",
      "db:service_healthy",
    ]);

    assert.equal(code, 1);
    assert.ok(Date.now() - started < 3000, "the probe did not run its whole sleep");
    const unhealthy = events.find((e) => e.t === "health" && e.status === "unhealthy");
    assert.equal(unhealthy?.output, "health check timed out after 100 ms");
    assert.deepEqual(processesWith(sleep), []);
  },
);

test("counts no failure during the start period until the first success", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "chefer-sv-"));
  try {
    const { code, events } = await runDriver([
      "--service",
      "db",
      "--cmd",
      `sleep 0.3; touch ${dir}/ready; sleep 0.3`,
      ...fastHealth(`test -f ${dir}/ready`, 1),
      "--health-start-period",
      "2000",
      "--service",
      "web",
      "--cmd",
      "true",
      "--depends",
      "db:service_healthy",
    ]);

    assert.equal(code, 0);
    assert.deepEqual(
      events.filter((e) => e.t === "health").map((e) => e.status),
      ["healthy"],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "rejects a service_healthy dependency on a service without a healthcheck before starting",
  { skip },
  async () => {
    const { code, events, stderr } = await runDriver([
      "--service",
      "db",
      "--cmd",
      "true",
      "--service",
      "web",
      "--cmd",
      "true",
      "--depends",
      "db:service_healthy",
    ]);

    assert.equal(code, 1);
    assert.match(stderr, /dependency db of service web has no healthcheck configured/);
    assert.match(stderr, /fix: add a healthcheck to that service/);
    assert.deepEqual(
      events.filter((e) => e.t === "service"),
      [],
    );
    assert.equal(events.find((e) => e.t === "error")?.service, "web");
  },
);

test("rejects a dependency cycle and names the services in it", { skip }, async () => {
  const { code, stderr } = await runDriver([
    "--service",
    "a",
    "--depends",
    "c",
    "--service",
    "b",
    "--depends",
    "a",
    "--service",
    "c",
    "--depends",
    "b",
  ]);

  assert.equal(code, 1);
  assert.match(stderr, /services form a dependency cycle: a -> c -> b -> a/);
});

test(
  "starts a dependent anyway when an optional dependency fails, with a warning",
  { skip },
  async () => {
    const { code, events, stderr, stdout } = await runDriver([
      "--service",
      "db",
      "--cmd",
      "sleep 0.4",
      ...fastHealth("exit 1", 1),
      "--service",
      "web",
      "--cmd",
      "echo web ran",
      "--depends",
      "db:service_healthy:optional",
    ]);

    assert.equal(code, 0);
    assert.match(
      stderr,
      /warning: dependency db of service web is unhealthy; starting web anyway \(required: false\)/,
    );
    assert.match(stdout, /web \| web ran/);
    assert.ok(tsOf(events, "web", "starting") >= tsOf(events, "db", "unhealthy"));
  },
);
