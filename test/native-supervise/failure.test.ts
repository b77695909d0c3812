import { test } from "node:test";
import assert from "node:assert/strict";
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

test("stops the others when a service crashes and passes its exit code on", { skip }, async () => {
  const sleep = uniqueSleep();
  const { code, events, stdout, stderr } = await runDriver([
    "--service",
    "crash",
    "--cmd",
    "sleep 0.3; exit 3",
    "--service",
    "polite",
    "--cmd",
    `trap 'echo polite got TERM; exit 0' TERM; sleep ${sleep} & wait`,
    "--service",
    "stubborn",
    "--cmd",
    `trap 'echo stubborn ignores TERM' TERM; while :; do sleep ${sleep} & wait; done`,
    "--grace",
    "400",
  ]);

  assert.equal(code, 3);
  assert.match(stderr, /error: service crash exited with code 3/);
  assert.match(stdout, /polite +\| polite got TERM/);
  assert.match(stdout, /stubborn \| stubborn ignores TERM/);
  assert.match(stderr, /service stubborn did not stop within 400 ms of SIGTERM; killing it/);

  const crashed = tsOf(events, "crash", "exited");
  assert.equal(serviceEvents(events, "polite", "stopped")[0]?.exit_code, 0);
  const killed = serviceEvents(events, "stubborn", "stopped")[0];
  assert.equal(killed?.exit_code, 137);
  assert.ok(killed.ts - crashed >= 380, `stubborn was killed ${killed.ts - crashed} ms after`);
  assert.deepEqual(processesWith(sleep), []);
});

test(
  "restarts an on-failure:2 service twice, then fails the app with its code",
  { skip },
  async () => {
    const sleep = uniqueSleep();
    const { code, events, stdout } = await runDriver([
      "--service",
      "flaky",
      "--cmd",
      "echo run; exit 4",
      "--restart",
      "on-failure:2",
      "--service",
      "other",
      "--cmd",
      `exec sleep ${sleep}`,
    ]);

    assert.equal(code, 4);
    assert.equal(stdout.match(/flaky \| run/g)?.length, 3);
    const starts = serviceEvents(events, "flaky", "starting");
    assert.deepEqual(
      starts.map((e) => e.restarts),
      [0, 1, 2],
    );
    assert.equal(serviceEvents(events, "flaky", "restarting").length, 2);
    const lastExit = serviceEvents(events, "flaky", "exited")[2]!.ts;
    assert.ok(tsOf(events, "other", "stopped") >= lastExit, "restarts do not stop the app");

    // The back-off doubles: about 100 ms before the first restart, 200 ms before the second.
    const [first, second, third] = starts.map((e) => e.ts);
    assert.ok(second! - first! >= 90, `first restart after ${second! - first!} ms`);
    assert.ok(third! - second! >= 190, `second restart after ${third! - second!} ms`);
  },
);

test("restarts an always service even after it exits 0", { skip }, async () => {
  const run = startDriver(["--service", "ticker", "--cmd", "echo tick", "--restart", "always"]);
  await run.waitFor((e) => e.t === "service" && e.state === "starting" && e.restarts === 2);
  run.child.kill("SIGTERM");
  const { code, stdout } = await run.exited;

  assert.equal(code, 143);
  assert.ok((stdout.match(/ticker \| tick/g)?.length ?? 0) >= 2);
});

test("does not restart a service whose policy is no", { skip }, async () => {
  const { code, events } = await runDriver(["--service", "once", "--cmd", "exit 5"]);

  assert.equal(code, 5);
  assert.equal(serviceEvents(events, "once", "starting").length, 1);
  assert.deepEqual(serviceEvents(events, "once", "restarting"), []);
});

test("does not restart an on-failure service that exits 0", { skip }, async () => {
  const { code, events } = await runDriver([
    "--service",
    "job",
    "--cmd",
    "exit 0",
    "--restart",
    "on-failure",
  ]);

  assert.equal(code, 0);
  assert.equal(serviceEvents(events, "job", "starting").length, 1);
});

test("keeps running while others run after a service exits 0, then exits 0", { skip }, async () => {
  const started = Date.now();
  const { code, events } = await runDriver([
    "--service",
    "quick",
    "--cmd",
    "exit 0",
    "--service",
    "slow",
    "--cmd",
    "sleep 0.4",
  ]);

  assert.equal(code, 0);
  assert.ok(Date.now() - started >= 380);
  assert.equal(serviceEvents(events, "slow", "exited")[0]?.exit_code, 0);
});

test("ends the app with the exit code of an interface service", { skip }, async () => {
  const sleep = uniqueSleep();
  const args = (exit: number) => [
    "--service",
    "window",
    "--cmd",
    `sleep 0.2; exit ${exit}`,
    "--interface",
    "gui",
    "--service",
    "server",
    "--cmd",
    `exec sleep ${sleep}`,
  ];

  const closed = await runDriver(args(0));
  assert.equal(closed.code, 0);
  assert.equal(serviceEvents(closed.events, "server", "stopped")[0]?.exit_code, 143);

  const crashed = await runDriver(args(7));
  assert.equal(crashed.code, 7);
  assert.deepEqual(processesWith(sleep), []);
});

test("fails the app with 127 when a service's command is not found", { skip }, async () => {
  const { code, stderr } = await runDriver(["--service", "ghost", "--cmd", "exec /nonexistent"]);

  assert.equal(code, 127);
  assert.match(stderr, /service ghost exited with code 127/);
});

test(
  "fails the app with 125 when a service cannot be launched, and stops the others",
  { skip },
  async () => {
    const sleep = uniqueSleep();
    const { code, events, stderr } = await runDriver([
      "--service",
      "broken",
      "--spawn-fails",
      "yes",
      "--service",
      "other",
      "--cmd",
      `exec sleep ${sleep}`,
    ]);

    assert.equal(code, 125);
    assert.match(stderr, /error: start service broken failed/);
    assert.deepEqual(serviceEvents(events, "broken", "starting"), []);
    assert.equal(serviceEvents(events, "other", "stopped").length, 1);
    assert.deepEqual(processesWith(sleep), []);
  },
);
