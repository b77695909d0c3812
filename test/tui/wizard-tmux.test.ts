import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cheferBin, repoRoot } from "../support/cli.js";
import { openTerminal, tmuxMissing } from "./support/tmux.js";

const demo = join(repoRoot, "examples", "demo");

/** A copy of the shipped demo, so the wizard never writes into the checkout. */
function demoCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "chefer-wizard-tmux-"));
  cpSync(demo, join(dir, "demo"), { recursive: true });
  return dir;
}

function skipReason(): string | undefined {
  const reason = tmuxMissing() ?? (existsSync(demo) ? undefined : "examples/demo is missing");
  if (reason && process.env.CI) throw new Error(reason);
  return reason;
}

test("the wizard opens on a terminal, walks a shipped example and quits cleanly", async (t) => {
  const skip = skipReason();
  if (skip) return t.skip(skip);
  const dir = demoCopy();
  const term = openTerminal(
    `env -u CI NO_COLOR=1 ${process.execPath} ${cheferBin}; echo "exit status $?"; sleep 60`,
    { cwd: dir },
  );
  try {
    const files = await term.waitFor(/Which compose file\?/);
    assert.match(files, /› demo\/compose\.yaml\n {2}another file…/);
    term.keys("Enter");
    const diagnostics = await term.waitFor(/Diagnostics for demo\/compose\.yaml/);
    assert.match(diagnostics, /(No problems found|\d+ errors?, \d+ warnings?)/);
    term.keys("Enter");
    assert.match(await term.waitFor(/Services/), /\[x\] redis\n {2}\[x\] web/);
    term.keys("Escape");
    await term.waitFor(/Diagnostics for/);
    term.keys("Enter");
    await term.waitFor(/Services/);
    term.keys("Enter");
    assert.match(await term.waitFor(/Ports/), /\[x\] web {2}127\.0\.0\.1:18080 -> 8080\/tcp/);
    term.keys("Enter");
    await term.waitFor(/Volumes/);
    term.keys("Enter");
    assert.match(await term.waitFor(/App name/), /name: visits_/);
    term.keys("Enter");
    await term.waitFor(/Targets/);
    term.keys("Enter");
    const summary = await term.waitFor(/Ready to build/);
    assert.match(summary, /recipe {4}demo\/appcipe\.yml/);
    assert.ok(summary.split("\n").every((l) => l.length <= 80));
    term.keys("q");
    const closed = await term.waitFor(/exit status/);
    assert.match(closed, /the wizard closed before building\nexit status 0/);
    assert.equal(
      existsSync(join(dir, "demo", "appcipe.yml")),
      false,
      "nothing is written before the build step",
    );
  } finally {
    term.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the wizard opens on a directory and keeps its layout after the terminal is resized", async (t) => {
  const skip = skipReason();
  if (skip) return t.skip(skip);
  const dir = demoCopy();
  const term = openTerminal(
    `env -u CI NO_COLOR=1 ${process.execPath} ${cheferBin} wizard demo; sleep 60`,
    {
      cwd: dir,
    },
  );
  try {
    const files = await term.waitFor(/Which compose file\?/);
    assert.match(files, new RegExp(`Compose files in ${join(dir, "demo")}:\\n› compose\\.yaml`));
    term.keys("Enter");
    await term.waitFor(/Diagnostics for compose\.yaml/);
    term.keys("Enter");
    await term.waitFor(/Services/);
    term.resize(60, 15);
    const small = await term.waitFor(/Services/);
    assert.ok(
      small.split("\n").every((l) => l.length <= 60),
      small,
    );
    assert.match(small, /› \[x\] redis/);
    term.keys("C-c");
  } finally {
    term.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the wizard refuses to wait for input under CI, even on a terminal", async (t) => {
  const skip = skipReason();
  if (skip) return t.skip(skip);
  const term = openTerminal(
    `CI=1 ${process.execPath} ${cheferBin} wizard; echo "exit status $?"; sleep 60`,
    {
      cwd: repoRoot,
    },
  );
  try {
    const screen = await term.waitFor(/exit status/);
    assert.match(screen, /error: the wizard needs a person at a terminal/);
    assert.match(screen, /exit status 1/);
  } finally {
    term.close();
  }
});
