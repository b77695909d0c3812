import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup } from "ink-testing-library";
import { WizardApp } from "../../../src/tui/wizard/wizard-app.js";
import type { WizardOutcome, WizardPipeline } from "../../../src/tui/wizard/pipeline.js";
import type { Recipe } from "../../../src/appcipe/types.js";
import { UserError, type Problem } from "../../../src/util/errors.js";
import type { ProgressEvent } from "../../../src/util/progress.js";
import { fitsIn, keys, renderAt, settle, waitForFrame, type Rendered } from "../support/ink.js";
import { recipe, service, visitsRecipe } from "../support/recipe.js";
import { hostTarget } from "../../../src/runtime/kit.js";

afterEach(cleanup);

const diagnostics: Problem[] = [
  {
    code: "compose/port-all-interfaces",
    severity: "warning",
    path: "services.web.ports[0]",
    location: { file: "compose.yaml", line: 7, col: 9 },
    message: "port 18080 listens on every interface",
    fix: 'write "127.0.0.1:18080:8080" to keep it on this machine',
  },
  {
    code: "compose/ignored-key",
    severity: "warning",
    path: "services.db.deploy",
    message: "deploy is ignored",
    fix: "remove deploy, or keep it for Swarm only",
  },
];

interface Calls {
  converted: string[];
  written: { recipe: Recipe; file: string }[];
  built: { file: string; targets: string[] }[];
}

/** A temporary project holding a compose file, as a user's checkout would. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "chefer-wizard-"));
  mkdirSync(join(dir, "demo"));
  writeFileSync(join(dir, "demo", "compose.yaml"), "services: {}\n");
  return dir;
}

function pipeline(calls: Calls, over: Partial<WizardPipeline> = {}): WizardPipeline {
  return {
    convert: async (file) => {
      calls.converted.push(file);
      return { recipe: visitsRecipe(), diagnostics };
    },
    writeRecipe: async (recipe, file) => {
      calls.written.push({ recipe, file });
    },
    build: async (file, targets, progress) => {
      calls.built.push({ file, targets });
      const events: ProgressEvent[] = [
        { kind: "step-start", step: "layers", label: "packing layers", total: 4, unit: "items" },
        { kind: "step-progress", step: "layers", done: 3 },
      ];
      events.forEach(progress);
      return targets.map((target) => ({ target, path: `/tmp/dist/visits-${target}`, size: 1536 }));
    },
    ...over,
  };
}

function start(cwd: string, p: WizardPipeline, file?: string) {
  const exits: { outcome: WizardOutcome; bug?: unknown }[] = [];
  const r = renderAt(
    <WizardApp
      cwd={cwd}
      file={file}
      pipeline={p}
      onExit={(outcome, bug) => exits.push({ outcome, bug })}
    />,
  );
  return { r, exits };
}

async function press(r: Rendered, ...sequence: string[]): Promise<void> {
  for (const k of sequence) {
    r.stdin.write(k);
    await settle();
  }
}

test("opens on the compose files found and converts the one chosen", async () => {
  const dir = project();
  const calls: Calls = { converted: [], written: [], built: [] };
  try {
    const { r } = start(dir, pipeline(calls));
    const frame = await waitForFrame(r, /demo\/compose\.yaml/);
    assert.match(frame, /chefer · Which compose file\? {2}\(step 1 of 9\)/);
    assert.match(frame, /› demo\/compose\.yaml\n {2}another file…/);
    await press(r, keys.enter);
    await waitForFrame(r, /Diagnostics for demo\/compose\.yaml/);
    assert.deepEqual(calls.converted, [join(dir, "demo", "compose.yaml")]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("shows diagnostics grouped by service, each with its fix", async () => {
  const calls: Calls = { converted: [], written: [], built: [] };
  const { r } = start("/nonexistent", pipeline(calls), "compose.yaml");
  const frame = await waitForFrame(r, /Diagnostics/);
  assert.match(frame, /0 errors, 2 warnings/);
  assert.match(
    frame,
    /service db\n {2}warning: services\.db\.deploy: deploy is ignored\n {4}fix: remove deploy, or keep it for Swarm only\nservice web\n {2}warning: compose\.yaml:7:9: port 18080 listens on every interface\n {4}fix: write "127\.0\.0\.1:18080:8080"/,
  );
});

test("walks through the questions, writes the chosen recipe and builds it with live progress", async () => {
  const calls: Calls = { converted: [], written: [], built: [] };
  const { r, exits } = start("/work/app", pipeline(calls), "compose.yaml");
  await waitForFrame(r, /Diagnostics/);
  await press(r, keys.enter);
  assert.match(await waitForFrame(r, /Services/), /› \[x\] db\n {2}\[x\] web/);
  await press(r, keys.space, keys.enter);
  assert.match(await waitForFrame(r, /Ports/), /\[x\] web {2}127\.0\.0\.1:18080 -> 8080\/tcp/);
  await press(r, keys.enter);
  await waitForFrame(r, /App name/);
  await press(
    r,
    keys.backspace,
    keys.backspace,
    keys.backspace,
    keys.backspace,
    "visits",
    keys.enter,
  );
  assert.match(await waitForFrame(r, /Targets/), new RegExp(`\\[x\\] ${hostTarget()}`));
  await press(r, keys.enter);
  const summary = await waitForFrame(r, /Ready to build/);
  assert.match(summary, /app {7}visits\nservices {2}web\n/);
  await press(r, keys.enter);
  const built = await waitForFrame(r, /Built/);
  assert.match(
    built,
    new RegExp(`${hostTarget()} +/tmp/dist/visits-${hostTarget()} {2}\\(1\\.5 KiB\\)`),
  );
  assert.match(built, /enter run it now {2}q quit/);
  assert.deepEqual(
    calls.written.map((w) => [w.file, w.recipe.name, w.recipe.services.map((s) => s.name)]),
    [["/work/app/appcipe.yml", "visits", ["web"]]],
  );
  assert.deepEqual(calls.built, [{ file: "/work/app/appcipe.yml", targets: [hostTarget()] }]);
  await press(r, "q");
  assert.deepEqual(
    exits.map((e) => e.outcome.exitCode),
    [0],
  );
});

test("shows build progress per step while the build runs", async () => {
  const calls: Calls = { converted: [], written: [], built: [] };
  let finish = () => {};
  const slow = pipeline(calls, {
    build: (_file, _targets, progress) => {
      progress({
        kind: "step-start",
        step: "pull web",
        label: "pulling web",
        total: 2 * 1024 * 1024,
        unit: "bytes",
      });
      progress({ kind: "step-progress", step: "pull web", done: 1024 * 1024 });
      progress({ kind: "step-start", step: "pull db", label: "pulling db" });
      progress({ kind: "step-end", step: "pull db", label: "db pulled" });
      return new Promise((resolve) => (finish = () => resolve([])));
    },
  });
  const { r } = start("/work/app", slow, "compose.yaml");
  await waitForFrame(r, /Diagnostics/);
  await press(
    r,
    keys.enter,
    keys.enter,
    keys.enter,
    keys.enter,
    keys.enter,
    keys.enter,
    keys.enter,
  );
  const frame = await waitForFrame(r, /Building demo/);
  assert.match(frame, /✓ db pulled/);
  assert.match(frame, /pulling web +█{10}░{10} 1\.0 MiB\/2\.0 MiB/);
  assert.match(frame, /ctrl\+c quit/);
  finish();
});

test("stops on a conversion that fails, shows its fix, and goes back to the file on esc", async () => {
  const dir = project();
  const calls: Calls = { converted: [], written: [], built: [] };
  const failing = pipeline(calls, {
    convert: async () => {
      throw new UserError("cannot load the compose project", {
        fix: "correct the errors listed above",
        problems: [
          {
            code: "compose/yaml",
            severity: "error",
            path: "services.web",
            message: "web has no image",
            fix: "add image: or build:",
          },
        ],
      });
    },
  });
  try {
    const { r } = start(dir, failing);
    await waitForFrame(r, /demo\/compose\.yaml/);
    await press(r, keys.enter);
    const frame = await waitForFrame(r, /error: cannot load/);
    assert.match(
      frame,
      /fix: correct the errors below in demo\/compose\.yaml, then press esc and choose\n {7}it again\n1 error, 0 warnings\nservice web\n {2}error: services\.web: web has no image\n {4}fix: add image: or build:/,
    );
    assert.match(frame, /esc choose another file/);
    await press(r, keys.enter);
    assert.match(r.lastFrame() ?? "", /error: cannot load/, "enter does not go past a failure");
    await press(r, keys.escape);
    await waitForFrame(r, /Which compose file\?/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("keeps a failed build on screen and goes back to the summary on esc", async () => {
  const calls: Calls = { converted: [], written: [], built: [] };
  const failing = pipeline(calls, {
    build: async () => {
      throw new UserError("no runtime for x86_64-linux", { fix: "pass --kit-dir" });
    },
  });
  const { r } = start("/work/app", failing, "compose.yaml");
  await waitForFrame(r, /Diagnostics/);
  await press(
    r,
    keys.enter,
    keys.enter,
    keys.enter,
    keys.enter,
    keys.enter,
    keys.enter,
    keys.enter,
  );
  const frame = await waitForFrame(r, /error: no runtime/);
  assert.match(frame, /fix: pass --kit-dir\n\nesc back {2}q quit/);
  await press(r, keys.escape);
  await waitForFrame(r, /Ready to build/);
});

test("closes with the error when a phase hits a bug", async () => {
  const calls: Calls = { converted: [], written: [], built: [] };
  const bug = new TypeError("x is undefined");
  const { r, exits } = start(
    "/work/app",
    pipeline(calls, { convert: () => Promise.reject(bug) }),
    "compose.yaml",
  );
  await settle(100);
  assert.deepEqual(exits, [{ outcome: { exitCode: 70 }, bug }]);
  r.unmount();
});

test("quits on q, but takes q as a letter while a path is typed", async () => {
  const dir = project();
  const calls: Calls = { converted: [], written: [], built: [] };
  try {
    const { r, exits } = start(dir, pipeline(calls));
    await waitForFrame(r, /another file…/);
    await press(r, keys.down, keys.enter);
    await waitForFrame(r, /compose file: _/);
    await press(r, "q", keys.enter);
    assert.match(await waitForFrame(r, /there is no file/), /compose file: q_/);
    assert.equal(exits.length, 0);
    await press(r, keys.backspace, "demo/compose.yaml", keys.enter);
    await waitForFrame(r, /Diagnostics/);
    await press(r, "q");
    assert.deepEqual(
      exits.map((e) => e.outcome.exitCode),
      [0],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("quits with the interrupted code on ctrl+c", async () => {
  const calls: Calls = { converted: [], written: [], built: [] };
  const { r, exits } = start("/work/app", pipeline(calls), "compose.yaml");
  await waitForFrame(r, /Diagnostics/);
  await press(r, "\u0003");
  assert.deepEqual(
    exits.map((e) => e.outcome.exitCode),
    [130],
  );
});

test("fits every screen in 80x24", async () => {
  const calls: Calls = { converted: [], written: [], built: [] };
  const { r } = start("/work/app", pipeline(calls), "compose.yaml");
  await waitForFrame(r, /Diagnostics/);
  for (let i = 0; i < 7; i++) {
    assert.ok(fitsIn(r.lastFrame() ?? "", 80, 24), r.lastFrame());
    await press(r, keys.enter);
  }
  assert.ok(fitsIn(await waitForFrame(r, /Built/), 80, 24), r.lastFrame());
});

test("takes keys typed faster than the screens change", async () => {
  const calls: Calls = { converted: [], written: [], built: [] };
  const { r } = start("/work/app", pipeline(calls), "compose.yaml");
  await waitForFrame(r, /Diagnostics/);
  // Diagnostics, services, ports, volumes, name, targets, summary: one key each, 30 ms
  // apart: faster than people type.
  for (let i = 0; i < 7; i++) {
    r.stdin.write(keys.enter);
    await settle(30);
  }
  await waitForFrame(r, /chefer · Built/);
  assert.deepEqual(calls.built, [{ file: "/work/app/appcipe.yml", targets: [hostTarget()] }]);
});

test("does not offer the dashboard for an app that talks to the terminal", async () => {
  const calls: Calls = { converted: [], written: [], built: [] };
  const shell = recipe([service("shell", { interfaceMode: "terminal" })]);
  const p = pipeline(calls, { convert: async () => ({ recipe: shell, diagnostics: [] }) });
  const { r } = start("/work/app", p, "compose.yaml");
  for (const title of [/Diagnostics/, /Services/, /App name/, /Targets/, /Ready to build/]) {
    await waitForFrame(r, title);
    await press(r, keys.enter);
  }
  const built = await waitForFrame(r, /chefer · Built/);
  assert.match(built, /It talks to the terminal, so run it yourself: \/tmp\/dist\/visits-/);
  assert.match(built, /\nq quit$/);
});
