import { test } from "node:test";
import assert from "node:assert/strict";
import {
  buildDriver,
  processesWith,
  serviceEvents,
  startDriver,
  uniqueSleep,
  zombieChildren,
} from "./driver.js";

const skip = buildDriver();

/** A service that says when it gets SIGTERM, then exits 0. */
const polite = (name: string, sleep: string) =>
  `trap 'echo ${name} stopping; exit 0' TERM; echo ${name} up; sleep ${sleep} & wait`;

function chain(sleep: string): string[] {
  return [
    "--service",
    "db",
    "--cmd",
    polite("db", sleep),
    "--service",
    "api",
    "--cmd",
    polite("api", sleep),
    "--depends",
    "db",
    "--service",
    "web",
    "--cmd",
    polite("web", sleep),
    "--depends",
    "api",
  ];
}

test(
  "stops services in reverse dependency order on SIGTERM and exits with 143",
  { skip },
  async () => {
    const sleep = uniqueSleep();
    const run = startDriver(chain(sleep));
    await run.waitFor((e) => e.t === "app" && e.state === "running");
    // The app is running once every service is started; wait until their traps are set too.
    while ((run.stdout().match(/ up$/gm)?.length ?? 0) < 3)
      await new Promise((r) => setTimeout(r, 20));
    run.child.kill("SIGTERM");
    const { code, events, stdout } = await run.exited;

    assert.equal(code, 143);
    const order = ["web", "api", "db"].map((s) => stdout.indexOf(`${s} stopping`));
    assert.ok(
      order.every((at) => at >= 0),
      stdout,
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
      "web, then api, then db",
    );
    const stopped = events.filter((e) => e.t === "service" && e.state === "stopped");
    assert.deepEqual(
      stopped.map((e) => e.service),
      ["web", "api", "db"],
    );
    assert.deepEqual(
      events.filter((e) => e.t === "app").map((e) => e.state),
      ["starting", "running", "stopping", "exited"],
    );
    assert.equal(events.at(-1)?.exit_code, 143);
    assert.deepEqual(processesWith(sleep), []);
  },
);

test("exits with 130 on SIGINT", { skip }, async () => {
  const sleep = uniqueSleep();
  const run = startDriver(["--service", "db", "--cmd", `exec sleep ${sleep}`]);
  await run.waitFor((e) => e.t === "app" && e.state === "running");
  run.child.kill("SIGINT");
  const { code } = await run.exited;

  assert.equal(code, 130);
  assert.deepEqual(processesWith(sleep), []);
});

test("kills every service at once on a second SIGTERM", { skip }, async () => {
  const sleep = uniqueSleep();
  const run = startDriver([
    "--service",
    "stubborn",
    "--cmd",
    `trap 'echo ignored' TERM; echo up; while :; do sleep ${sleep} & wait; done`,
    "--grace",
    "10000",
  ]);
  while (!run.stdout().includes("up")) await new Promise((r) => setTimeout(r, 20));
  run.child.kill("SIGTERM");
  await run.waitFor((e) => e.t === "app" && e.state === "stopping");
  // A person asking again: later than the copies of one request that arrive at once.
  await new Promise((r) => setTimeout(r, 700));
  const started = Date.now();
  run.child.kill("SIGTERM");
  const { code } = await run.exited;

  assert.equal(code, 143);
  assert.ok(Date.now() - started < 2000, "the grace period is not waited for");
  assert.deepEqual(processesWith(sleep), []);
});

test(
  "takes two SIGTERMs close together (pkill, a service manager) as one graceful stop",
  { skip },
  async () => {
    const sleep = uniqueSleep();
    const run = startDriver([
      "--service",
      "tidy",
      "--cmd",
      `trap 'sleep 0.3; echo cleaned-up; exit 0' TERM; echo up; while :; do sleep ${sleep} & wait; done`,
      "--grace",
      "10000",
    ]);
    while (!run.stdout().includes("up")) await new Promise((r) => setTimeout(r, 20));
    run.child.kill("SIGTERM");
    // The second copy comes once the first is being handled, as a passed-on one does.
    await run.waitFor((e) => e.t === "app" && e.state === "stopping");
    run.child.kill("SIGTERM");
    const { code } = await run.exited;

    assert.equal(code, 143);
    assert.match(run.stdout(), /cleaned-up/, "the service got its grace period");
    assert.deepEqual(processesWith(sleep), []);
  },
);

test("restarts a service and stops the app on control commands", { skip }, async () => {
  const sleep = uniqueSleep();
  const run = startDriver(["--service", "a", "--cmd", polite("a", sleep)], { control: true });
  await run.waitFor((e) => e.t === "app" && e.state === "running");
  while (!run.stdout().includes("a up")) await new Promise((r) => setTimeout(r, 20));

  run.control(' { "service" : "\\u0061", "x": [1, {"y": "}"}], "cmd": "restart" }');
  await run.waitFor((e) => e.t === "service" && e.state === "starting" && e.restarts === 1);
  run.control({ cmd: "restart", service: "nope" });
  await run.waitFor((e) => e.t === "error");
  run.control({ cmd: "stop" });
  const { code, events, stdout } = await run.exited;

  assert.equal(code, 0);
  assert.match(stdout, /a \| a stopping/);
  assert.deepEqual(
    serviceEvents(events, "a").map((e) => e.state),
    ["starting", "running", "stopped", "starting", "running", "stopped"],
  );
  assert.match(String(events.find((e) => e.t === "error")?.message), /no such service/);
});

test(
  "reaps the orphans of services while running and leaves no process behind",
  { skip },
  async () => {
    const sleep = uniqueSleep();
    // setsid puts this orphan out of the service's process group: only the final sweep finds it.
    const orphan = uniqueSleep();
    const run = startDriver([
      "--service",
      "parent",
      "--cmd",
      `for i in 1 2 3; do (sleep 0.05 &); done; (setsid sleep ${orphan} &); echo spawned; sleep ${sleep}`,
    ]);
    while (!run.stdout().includes("spawned")) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));

    assert.deepEqual(zombieChildren(run.child.pid!), [], "exited orphans are reaped");
    run.child.kill("SIGTERM");
    const { code } = await run.exited;

    assert.equal(code, 143);
    assert.deepEqual(processesWith(sleep), []);
    assert.deepEqual(processesWith(orphan), []);
  },
);

test("stops a service with its own stop signal", { skip }, async () => {
  const sleep = uniqueSleep();
  const run = startDriver([
    "--service",
    "nginx-like",
    "--cmd",
    `trap 'echo got QUIT; exit 0' QUIT; trap 'echo got TERM' TERM; echo up; sleep ${sleep} & wait`,
    "--stop-signal",
    "SIGQUIT",
  ]);
  while (!run.stdout().includes("up")) await new Promise((r) => setTimeout(r, 20));
  run.child.kill("SIGTERM");
  const { code, stdout } = await run.exited;

  assert.equal(code, 143);
  assert.match(stdout, /got QUIT/);
  assert.doesNotMatch(stdout, /got TERM/);
});
