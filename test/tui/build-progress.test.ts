import { test } from "node:test";
import assert from "node:assert/strict";
import {
  initialBuildProgress,
  reduceProgress,
  visibleSteps,
  type BuildProgressState,
} from "../../src/tui/build-progress.js";
import type { ProgressEvent } from "../../src/util/progress.js";

function fold(events: ProgressEvent[]): BuildProgressState {
  return events.reduce(reduceProgress, initialBuildProgress);
}

test("tracks a step from start through progress to its finished label", () => {
  const started = fold([
    { kind: "step-start", step: "pull web", label: "pulling web", total: 3, unit: "items" },
    { kind: "step-progress", step: "pull web", done: 2 },
  ]);
  assert.deepEqual(started.steps, [
    { step: "pull web", label: "pulling web", done: 2, total: 3, unit: "items", finished: false },
  ]);
  const ended = reduceProgress(started, {
    kind: "step-end",
    step: "pull web",
    label: "web pulled",
  });
  assert.deepEqual([ended.steps[0]?.label, ended.steps[0]?.finished], ["web pulled", true]);
});

test("takes a total that only arrives with progress", () => {
  const s = fold([
    { kind: "step-start", step: "compress", label: "compressing" },
    { kind: "step-progress", step: "compress", done: 10, total: 40 },
  ]);
  assert.equal(s.steps[0]?.total, 40);
});

test("ignores progress for a step that never started", () => {
  const s = fold([{ kind: "step-progress", step: "ghost", done: 1 }]);
  assert.deepEqual(s.steps, []);
});

test("keeps warnings and notes in order", () => {
  const s = fold([
    { kind: "message", level: "warn", text: "web: no healthcheck" },
    { kind: "message", level: "info", text: "using cache" },
  ]);
  assert.deepEqual(
    s.messages.map((m) => m.text),
    ["web: no healthcheck", "using cache"],
  );
});

test("shows every running step and as many recent finished ones as fit", () => {
  const events: ProgressEvent[] = [];
  for (let i = 0; i < 10; i++) {
    events.push({ kind: "step-start", step: `layer ${i}`, label: `layer ${i}` });
    if (i < 8) events.push({ kind: "step-end", step: `layer ${i}`, label: `layer ${i} done` });
  }
  const { shown, hidden } = visibleSteps(fold(events), 5);
  assert.deepEqual(
    shown.map((s) => s.step),
    ["layer 6", "layer 7", "layer 8", "layer 9"],
  );
  assert.equal(hidden, 6);
});
