import { test } from "node:test";
import assert from "node:assert/strict";
import {
  initialDashboardState,
  parseEventLine,
  portAddress,
  reduceEvent,
  reduceLines,
} from "../../src/tui/events.js";
import { LOG_LINES_KEPT } from "../../src/tui/dashboard-state.js";

// The example stream from docs/runtime-events.md, line for line.
const documented = [
  `{"t":"app","ts":0,"name":"demo","state":"preparing"}`,
  `{"t":"progress","ts":12,"step":"extract","done":1,"total":3,"unit":"items","label":"extracting layers"}`,
  `{"t":"service","ts":240,"service":"db","state":"starting","pid":4711}`,
  `{"t":"health","ts":2250,"service":"db","status":"healthy","failing_streak":0,"output":"PONG"}`,
  `{"t":"service","ts":2251,"service":"web","state":"starting","pid":4740}`,
  `{"t":"port","ts":2260,"service":"web","host_ip":"127.0.0.1","host_port":18080,"container_port":8080,"protocol":"tcp"}`,
  `{"t":"app","ts":2261,"name":"demo","state":"running"}`,
];

test("parses every event of the documented example", () => {
  const events = documented.map(parseEventLine);
  assert.deepEqual(
    events.map((e) => e?.t),
    ["app", "progress", "service", "health", "service", "port", "app"],
  );
  assert.deepEqual(events[5], {
    t: "port",
    ts: 2260,
    service: "web",
    hostIp: "127.0.0.1",
    hostPort: 18080,
    containerPort: 8080,
    protocol: "tcp",
  });
});

test("ignores blank, malformed and unknown lines", () => {
  for (const line of ["", "   ", "{", "[1,2]", "null", `{"t":"weather","ts":1}`, `{"ts":1}`]) {
    assert.equal(parseEventLine(line), undefined, line);
  }
});

test("ignores an event whose required value is missing or not one the contract allows", () => {
  assert.equal(
    parseEventLine(`{"t":"service","ts":1,"service":"web","state":"dancing"}`),
    undefined,
  );
  assert.equal(parseEventLine(`{"t":"port","ts":1,"service":"web"}`), undefined);
  assert.equal(parseEventLine(`{"t":"log","ts":1,"line":"hi"}`), undefined);
});

test("keeps events that carry keys it does not know", () => {
  const e = parseEventLine(`{"t":"app","ts":5,"name":"demo","state":"running","color":"blue"}`);
  assert.deepEqual(e, { t: "app", ts: 5, name: "demo", state: "running", exitCode: undefined });
});

test("folds the documented example into a running app with two services", () => {
  const state = reduceLines(initialDashboardState(), documented);
  assert.equal(state.name, "demo");
  assert.equal(state.app, "running");
  assert.equal(state.progress, undefined, "progress is cleared once the app leaves preparing");
  assert.deepEqual(
    state.services.map((s) => [s.name, s.state, s.pid, s.health?.status]),
    [
      ["db", "starting", 4711, "healthy"],
      ["web", "starting", 4740, undefined],
    ],
  );
  assert.equal(state.services[1]?.ports[0]?.hostPort, 18080);
});

test("shows first-run progress while the app is preparing", () => {
  const state = reduceLines(initialDashboardState(), documented.slice(0, 2));
  assert.deepEqual(state.progress, {
    step: "extract",
    label: "extracting layers",
    done: 1,
    total: 3,
    unit: "items",
  });
});

test("counts restarts, records exit codes and clears the pid of an exited service", () => {
  const lines = [
    `{"t":"service","ts":1,"service":"web","state":"running","pid":10}`,
    `{"t":"service","ts":2,"service":"web","state":"exited","exit_code":3}`,
    `{"t":"service","ts":3,"service":"web","state":"restarting","restarts":1}`,
    `{"t":"service","ts":4,"service":"web","state":"running","pid":11,"restarts":1}`,
  ];
  const after = (n: number) => reduceLines(initialDashboardState(), lines.slice(0, n)).services[0];
  assert.deepEqual([after(2)?.state, after(2)?.exitCode, after(2)?.pid], ["exited", 3, undefined]);
  assert.deepEqual(
    [after(4)?.state, after(4)?.pid, after(4)?.restarts, after(4)?.exitCode],
    ["running", 11, 1, undefined],
  );
});

test("forgets a service's health when it restarts", () => {
  const state = reduceLines(initialDashboardState(), [
    `{"t":"health","ts":1,"service":"db","status":"unhealthy","failing_streak":3}`,
    `{"t":"service","ts":2,"service":"db","state":"restarting","restarts":1}`,
  ]);
  assert.equal(state.services[0]?.health, undefined);
});

test("keeps a published port once however often it is reported", () => {
  const port = `{"t":"port","ts":1,"service":"web","host_ip":"127.0.0.1","host_port":80,"container_port":80,"protocol":"tcp"}`;
  const state = reduceLines(initialDashboardState(), [port, port]);
  assert.equal(state.services[0]?.ports.length, 1);
});

test("keeps only the newest log lines of a service", () => {
  const lines = Array.from(
    { length: LOG_LINES_KEPT + 5 },
    (_, i) => `{"t":"log","ts":${i},"service":"web","stream":"stdout","line":"line ${i}"}`,
  );
  const logs = reduceLines(initialDashboardState(), lines).services[0]?.logs ?? [];
  assert.equal(logs.length, LOG_LINES_KEPT);
  assert.equal(logs[0]?.line, "line 5");
  assert.equal(logs.at(-1)?.line, `line ${LOG_LINES_KEPT + 4}`);
});

test("records errors with their fix and the exit code of the app", () => {
  const state = reduceLines(initialDashboardState(), [
    `{"t":"error","ts":1,"message":"port 80 is taken","fix":"stop the other server","service":"web"}`,
    `{"t":"app","ts":2,"name":"demo","state":"exited","exit_code":1}`,
  ]);
  assert.deepEqual(state.errors, [
    { message: "port 80 is taken", fix: "stop the other server", service: "web" },
  ]);
  assert.deepEqual([state.app, state.exitCode], ["exited", 1]);
});

test("does not change the state it is given", () => {
  const before = initialDashboardState("demo");
  const frozen = JSON.stringify(before);
  const event = parseEventLine(documented[2] ?? "");
  assert.ok(event);
  reduceEvent(before, event);
  assert.equal(JSON.stringify(before), frozen);
});

test("shows TCP ports as URLs and UDP ports as host:port, wildcards as localhost", () => {
  const base = { containerPort: 80, hostPort: 8080 };
  assert.equal(
    portAddress({ ...base, hostIp: "127.0.0.1", protocol: "tcp" }),
    "http://127.0.0.1:8080/",
  );
  assert.equal(
    portAddress({ ...base, hostIp: "0.0.0.0", protocol: "tcp" }),
    "http://localhost:8080/",
  );
  assert.equal(portAddress({ ...base, hostIp: "::1", protocol: "tcp" }), "http://[::1]:8080/");
  assert.equal(
    portAddress({ ...base, hostIp: "127.0.0.1", protocol: "udp" }),
    "udp 127.0.0.1:8080",
  );
});
