import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cleanup } from "ink-testing-library";
import { LiveDashboard } from "../../../src/tui/dashboard/live-dashboard.js";
import type { AppExit } from "../../../src/tui/dashboard/use-running-app.js";
import { exitStatus } from "../../../src/tui/dashboard/use-running-app.js";
import { keys, renderAt, settle, waitForFrame } from "../support/ink.js";

afterEach(cleanup);

const peer = fileURLToPath(new URL("../fixtures/event-peer.mjs", import.meta.url));

function start(executable = peer) {
  const exits: AppExit[] = [];
  const r = renderAt(
    <LiveDashboard executable={executable} args={[]} name="peer" onDone={(e) => exits.push(e)} />,
  );
  return { r, exits };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await settle(20);
  }
}

test("shows the services, ports and logs the app reports on its event stream", async () => {
  const { r } = start();
  const frame = await waitForFrame(r, /peer {2}running/);
  assert.match(frame, /db +running +0 +-/);
  assert.match(frame, /web +running +0 +http:\/\/127\.0\.0\.1:18080\//);
  assert.match(frame, /── logs: db\ndb says hello/);
  r.stdin.write("q");
  await waitForFrame(r, /peer {2}exited/);
});

test("switches the log pane with tab and shift+tab, through the app's own output", async () => {
  const { r } = start();
  await waitForFrame(r, /peer {2}running/);
  r.stdin.write(keys.tab);
  assert.match(await waitForFrame(r, /logs: web/), /web says hello/);
  r.stdin.write(keys.tab);
  assert.match(await waitForFrame(r, /output of the app/), /runtime output line/);
  r.stdin.write(keys.shiftTab);
  await waitForFrame(r, /logs: web/);
  r.stdin.write("q");
  await waitForFrame(r, /peer {2}exited/);
});

test("restarts the selected service on r", async () => {
  const { r } = start();
  await waitForFrame(r, /peer {2}running/);
  r.stdin.write(keys.right);
  await waitForFrame(r, /› web/);
  r.stdin.write("r");
  assert.match(await waitForFrame(r, /web +running +1 /), /db +running +0 /);
  r.stdin.write("q");
  await waitForFrame(r, /peer {2}exited/);
});

test("stops the app gracefully on q and reports its exit code", async () => {
  const { r, exits } = start();
  await waitForFrame(r, /peer {2}running/);
  r.stdin.write("q");
  await until(() => exits.length > 0);
  assert.deepEqual(exits, [{ code: 0 }]);
  assert.match(r.lastFrame() ?? "", /peer {2}exited \(exit code 0\)/);
  assert.match(r.lastFrame() ?? "", /db +stopped/);
});

test("says so when the app cannot be started", async () => {
  const { r, exits } = start("/nonexistent/app");
  await until(() => exits.length > 0);
  assert.equal(exits[0]?.code, 127);
  assert.match(await waitForFrame(r, /error: cannot start/), /\/nonexistent\/app/);
});

test("reports a signal as 128 plus its number, as a shell does", () => {
  assert.equal(exitStatus(3, null), 3);
  assert.equal(exitStatus(null, "SIGTERM"), 143);
  assert.equal(exitStatus(null, "SIGKILL"), 137);
});
