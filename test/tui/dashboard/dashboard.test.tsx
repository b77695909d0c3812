import { afterEach, test } from "node:test";
import { cleanup } from "ink-testing-library";
import assert from "node:assert/strict";
import { Dashboard, type DashboardView } from "../../../src/tui/dashboard/dashboard.js";
import {
  initialDashboardState,
  reduceLines,
  type DashboardState,
} from "../../../src/tui/events.js";
import { fitsIn, renderAt, resize, settle } from "../support/ink.js";

const running = [
  `{"t":"app","ts":0,"name":"demo","state":"starting"}`,
  `{"t":"service","ts":1,"service":"db","state":"running","pid":4711}`,
  `{"t":"health","ts":2,"service":"db","status":"healthy","failing_streak":0}`,
  `{"t":"service","ts":3,"service":"web","state":"running","pid":4740,"restarts":2}`,
  `{"t":"port","ts":4,"service":"web","host_ip":"127.0.0.1","host_port":18080,"container_port":8080,"protocol":"tcp"}`,
  `{"t":"log","ts":5,"service":"web","stream":"stdout","line":"serving on :8080"}`,
  `{"t":"log","ts":6,"service":"db","stream":"stdout","line":"Ready to accept connections"}`,
  `{"t":"app","ts":7,"name":"demo","state":"running"}`,
];

afterEach(cleanup);

function view(over: Partial<DashboardView> = {}): DashboardView {
  return { selected: 0, runtimeOutput: [], stopping: false, columns: 80, rows: 24, ...over };
}

function stateOf(lines: string[]): DashboardState {
  return reduceLines(initialDashboardState(), lines);
}

test("shows each service's state, health, restarts and ports as URLs", () => {
  const r = renderAt(<Dashboard state={stateOf(running)} view={view()} />);
  const frame = r.lastFrame() ?? "";
  assert.match(frame, /^demo {2}running$/m);
  assert.match(frame, /› db +running healthy +0 +-$/m);
  assert.match(frame, /^ {2}web +running +2 +http:\/\/127\.0\.0\.1:18080\/$/m);
  r.unmount();
});

test("shows the selected service's logs and the keys", () => {
  const r = renderAt(<Dashboard state={stateOf(running)} view={view({ selected: 1 })} />);
  const frame = r.lastFrame() ?? "";
  assert.match(frame, /── logs: web/);
  assert.match(frame, /serving on :8080/);
  assert.doesNotMatch(frame, /Ready to accept connections/);
  assert.match(frame, /tab\/←→ switch logs {2}r restart service {2}q stop and quit/);
  r.unmount();
});

test("shows the app's own output after the last service", () => {
  const output = [{ stream: "stderr" as const, line: "chefer: extracting 3 layers" }];
  const r = renderAt(
    <Dashboard state={stateOf(running)} view={view({ selected: 2, runtimeOutput: output })} />,
  );
  assert.match(r.lastFrame() ?? "", /── output of the app\n.*chefer: extracting 3 layers/);
  r.unmount();
});

test("shows first-run extraction progress before services start", () => {
  const lines = [
    `{"t":"app","ts":0,"name":"demo","state":"preparing"}`,
    `{"t":"progress","ts":1,"step":"extract","done":1048576,"total":4194304,"unit":"bytes","label":"extracting layers"}`,
  ];
  const r = renderAt(<Dashboard state={stateOf(lines)} view={view()} />);
  assert.match(r.lastFrame() ?? "", /extracting layers 1\.0 MiB\/4\.0 MiB █+░+/);
  r.unmount();
});

test("shows errors with their fix and the exit code once the app exited", () => {
  const lines = [
    ...running,
    `{"t":"error","ts":8,"service":"web","message":"exited with code 1","fix":"see its logs"}`,
    `{"t":"service","ts":9,"service":"web","state":"exited","exit_code":1}`,
    `{"t":"app","ts":10,"name":"demo","state":"exited","exit_code":1}`,
  ];
  const frame = renderAt(<Dashboard state={stateOf(lines)} view={view()} />).lastFrame() ?? "";
  assert.match(frame, /^demo {2}exited \(exit code 1\)$/m);
  assert.match(frame, /error: web: exited with code 1 \(fix: see its logs\)/);
  assert.match(frame, /web +exited 1 /);
});

test("shows the runtime's warnings once each, and errors before them when space is short", () => {
  const warn = `{"t":"warning","ts":3,"message":"service ui opens windows but no display was found"}`;
  const warned = stateOf([...running, warn, warn]);
  assert.deepEqual(warned.warnings, ["service ui opens windows but no display was found"]);
  const frame = renderAt(<Dashboard state={warned} view={view()} />).lastFrame() ?? "";
  assert.equal(frame.match(/warning: service ui opens windows/g)?.length, 1);
  const failed = stateOf([
    ...running,
    warn,
    `{"t":"error","ts":8,"message":"first failure"}`,
    `{"t":"error","ts":9,"message":"second failure"}`,
  ]);
  const both = renderAt(<Dashboard state={failed} view={view()} />).lastFrame() ?? "";
  assert.doesNotMatch(both, /warning:/);
  assert.match(both, /error: first failure\nerror: second failure/);
});

test("says it is stopping once the user asked for a stop", () => {
  const frame = renderAt(
    <Dashboard state={stateOf(running)} view={view({ stopping: true })} />,
  ).lastFrame();
  assert.match(frame ?? "", /^demo {2}stopping$/m);
});

test("fits an 80x24 terminal with a long log, and a smaller one after a resize", async () => {
  const logs = Array.from(
    { length: 100 },
    (_, i) =>
      `{"t":"log","ts":${i},"service":"db","stream":"stdout","line":"${"x".repeat(120)} ${i}"}`,
  );
  const state = stateOf([...running, ...logs]);
  const r = renderAt(<Dashboard state={state} view={view()} />);
  assert.ok(fitsIn(r.lastFrame() ?? "", 80, 24), r.lastFrame());
  r.rerender(<Dashboard state={state} view={view({ columns: 60, rows: 15 })} />);
  resize(r, 60, 15);
  await settle();
  assert.ok(fitsIn(r.lastFrame() ?? "", 60, 15), r.lastFrame());
  r.unmount();
});

test("shows how the runtime exited when it failed before its first event", () => {
  const output = [
    { stream: "stderr" as const, line: "error: read options: unknown option --events" },
  ];
  const frame = renderAt(
    <Dashboard
      state={initialDashboardState("demo")}
      view={view({ exitCode: 2, runtimeOutput: output })}
    />,
  ).lastFrame();
  assert.match(frame ?? "", /^demo {2}exited \(exit code 2\)$/m);
  assert.match(frame ?? "", /── output of the app\nerror: read options: unknown option --events/);
  assert.match(frame ?? "", /tab\/←→ switch logs {2}q close$/);
});
