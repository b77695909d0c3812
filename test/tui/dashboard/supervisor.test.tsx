import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { cleanup } from "ink-testing-library";
import { LiveDashboard } from "../../../src/tui/dashboard/live-dashboard.js";
import type { AppExit } from "../../../src/tui/dashboard/use-running-app.js";
import { buildDriver, driverPath } from "../../native-supervise/driver.js";
import { keys, renderAt, settle, waitForFrame } from "../support/ink.js";

// The dashboard over the runtime's real supervisor (native/src/supervise), run by its test
// driver on plain host commands: real processes, real health checks, the real event stream.
afterEach(cleanup);

const services = [
  ["--name", "demo"],
  ["--service", "db", "--cmd", "echo db ready; exec sleep 30", "--health", "true"],
  ["--health-interval", "100", "--health-start-interval", "100"],
  ["--service", "web", "--cmd", "echo hello from web; exec sleep 30"],
  ["--depends", "db:service_healthy", "--grace", "2000"],
].flat();

function start() {
  const exits: AppExit[] = [];
  const r = renderAt(
    <LiveDashboard
      executable={driverPath}
      args={services}
      name="demo"
      onDone={(e) => exits.push(e)}
    />,
  );
  return { r, exits };
}

test("follows a real supervisor from start through a restart to a graceful stop", async (t) => {
  const skip = buildDriver();
  if (skip) return t.skip(skip);
  const { r, exits } = start();
  const running = await waitForFrame(r, /demo {2}running/, 10_000);
  assert.match(running, /db +healthy +0 /);
  assert.match(running, /web +running +0 /);
  assert.match(running, /── logs: db\ndb ready/);

  r.stdin.write(keys.tab);
  await waitForFrame(r, /── logs: web\nhello from web/);
  r.stdin.write("r");
  await waitForFrame(r, /web +running +1 [^]*hello from web\nhello from web/, 10_000);

  r.stdin.write("q");
  const stopped = await waitForFrame(r, /demo {2}exited \(exit code 0\)/, 10_000);
  assert.match(stopped, /db +stopped/);
  assert.match(stopped, /web +stopped/);
  for (let i = 0; i < 100 && exits.length === 0; i++) await settle(50);
  assert.deepEqual(exits, [{ code: 0 }]);
});

test("stays open after the app exits on its own, showing why, until q", async (t) => {
  const skip = buildDriver();
  if (skip) return t.skip(skip);
  const exits: AppExit[] = [];
  const args = [
    "--name",
    "broken",
    "--service",
    "web",
    "--cmd",
    "echo cannot read /etc/web.conf >&2; exit 3",
  ];
  const r = renderAt(
    <LiveDashboard
      executable={driverPath}
      args={args}
      name="broken"
      onDone={(e) => exits.push(e)}
    />,
  );
  const frame = await waitForFrame(r, /broken {2}exited \(exit code 3\)/, 10_000);
  assert.match(frame, /web +exited 3/);
  assert.match(frame, /── logs: web\ncannot read \/etc\/web\.conf/);
  assert.match(frame, /tab\/←→ switch logs {2}q close$/);
  await settle(200);
  assert.equal(exits.length, 0);
  r.stdin.write("q");
  for (let i = 0; i < 40 && exits.length === 0; i++) await settle(50);
  assert.deepEqual(exits, [{ code: 3 }]);
});
