import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { buildDriver, driverPath } from "../native-supervise/driver.js";
import { repoRoot } from "../support/cli.js";
import { openTerminal, tmuxMissing } from "./support/tmux.js";

const main = fileURLToPath(new URL("fixtures/dashboard-main.ts", import.meta.url));

const app = [
  ["--name", "demo"],
  ["--service", "db", "--cmd", "'echo db ready; exec sleep 60'", "--health", "true"],
  ["--health-interval", "100", "--health-start-interval", "100"],
  [
    "--service",
    "web",
    "--cmd",
    "'echo hello from web; exec sleep 60'",
    "--depends",
    "db:service_healthy",
  ],
].flat();

test("the dashboard runs an app on a terminal, switches logs, follows a resize and stops cleanly on q", async (t) => {
  const skip = tmuxMissing() ?? buildDriver();
  if (skip) return t.skip(skip);
  const command = `env -u CI NO_COLOR=1 ${process.execPath} --import tsx ${main} ${driverPath} ${app.join(" ")}; echo "exit status $?"; sleep 60`;
  const term = openTerminal(command, { cwd: repoRoot });
  try {
    const running = await term.waitFor(/demo {2}running/, 20_000);
    assert.match(running, /db +healthy +0/);
    assert.match(running, /── logs: db\ndb ready/);
    term.keys("Tab");
    await term.waitFor(/── logs: web\nhello from web/);
    term.resize(60, 12);
    const small = await term.waitFor(/── logs: web/);
    assert.ok(
      small.split("\n").every((l) => l.length <= 60),
      small,
    );
    term.keys("q");
    const closed = await term.waitFor(/exit status/, 20_000);
    assert.match(closed, /exit status 0/);
  } finally {
    term.close();
  }
});
