import { test } from "node:test";
import assert from "node:assert/strict";
import {
  chosenRecipe,
  initialWizardState,
  recipeFileFor,
  wizardReducer,
  type WizardAction,
  type WizardState,
} from "../../../src/tui/wizard/wizard-state.js";
import { recipe, service, visitsRecipe } from "../support/recipe.js";

function run(actions: WizardAction[], start: WizardState = initialWizardState()): WizardState {
  return actions.reduce(wizardReducer, start);
}

const converted: WizardAction = { type: "converted", recipe: visitsRecipe(), diagnostics: [] };

test("starts at the file step, or converts at once when a file is given", () => {
  assert.equal(initialWizardState().step, "file");
  assert.deepEqual(
    [initialWizardState("compose.yaml").step, initialWizardState("compose.yaml").file],
    ["converting", "compose.yaml"],
  );
});

test("walks from the file through every question to the build", () => {
  const steps: string[] = [];
  let s = initialWizardState();
  for (const a of [
    { type: "file", file: "examples/demo/compose.yaml" },
    converted,
    { type: "next" },
    { type: "services", keys: ["db", "web"] },
    { type: "ports", keys: ["web#0"] },
    { type: "volumes", keys: ["redis-data"] },
    { type: "name", name: "visits" },
    { type: "targets", targets: ["x86_64-linux"] },
    { type: "next" },
  ] satisfies WizardAction[]) {
    s = wizardReducer(s, a);
    steps.push(s.step);
  }
  assert.deepEqual(steps, [
    "converting",
    "diagnostics",
    "services",
    "ports",
    "volumes",
    "name",
    "targets",
    "confirm",
    "building",
  ]);
  const r = chosenRecipe(s);
  assert.equal(r?.name, "visits");
  assert.deepEqual(
    r?.services.map((x) => x.ports.length),
    [0, 1],
  );
});

test("skips the ports and volumes steps when the chosen services have none", () => {
  const plain = recipe([service("web")]);
  const s = run([
    { type: "file", file: "c.yaml" },
    { type: "converted", recipe: plain, diagnostics: [] },
    { type: "next" },
    { type: "services", keys: ["web"] },
  ]);
  assert.equal(s.step, "name");
  assert.equal(wizardReducer(s, { type: "back" }).step, "services");
});

test("forgets the ports and volumes of services left out", () => {
  const s = run([
    { type: "file", file: "c.yaml" },
    converted,
    { type: "next" },
    { type: "services", keys: ["web"] },
  ]);
  assert.deepEqual(s.choices?.ports, ["web#0"]);
  assert.deepEqual(s.choices?.volumes, []);
  assert.equal(s.step, "ports");
});

test("does not go past diagnostics when conversion failed, and goes back to the file", () => {
  const failure = { message: "compose.yaml is not valid YAML", problems: [] };
  const s = run([
    { type: "file", file: "c.yaml" },
    { type: "failed", failure },
  ]);
  assert.deepEqual([s.step, s.failure?.message], ["diagnostics", failure.message]);
  assert.equal(wizardReducer(s, { type: "next" }).step, "diagnostics");
  const back = wizardReducer(s, { type: "back" });
  assert.deepEqual([back.step, back.failure], ["file", undefined]);
});

test("stays on a build that fails until the user goes back to the summary", () => {
  const building = run([
    { type: "file", file: "c.yaml" },
    converted,
    { type: "next" },
    { type: "services", keys: ["web", "db"] },
    { type: "ports", keys: [] },
    { type: "volumes", keys: [] },
    { type: "name", name: "x" },
    { type: "targets", targets: ["x86_64-linux"] },
    { type: "next" },
  ]);
  assert.equal(building.step, "building");
  assert.equal(
    wizardReducer(building, { type: "back" }).step,
    "building",
    "a running build is not left",
  );
  const failed = wizardReducer(building, {
    type: "failed",
    failure: { message: "no kit", problems: [] },
  });
  assert.deepEqual([failed.step, failed.failure?.message], ["building", "no kit"]);
  assert.equal(wizardReducer(failed, { type: "back" }).step, "confirm");
});

test("offers to run once built", () => {
  const exe = { target: "x86_64-linux" as const, path: "/tmp/dist/demo" };
  const built = wizardReducer(
    { ...initialWizardState(), step: "building" },
    { type: "built", executables: [exe] },
  );
  assert.deepEqual(built.executables, [exe]);
  assert.equal(wizardReducer(built, { type: "next" }).step, "running");
  assert.equal(wizardReducer(built, { type: "back" }).step, "built");
});

test("writes the recipe beside the compose file", () => {
  assert.equal(recipeFileFor("examples/demo/compose.yaml"), "examples/demo/appcipe.yml");
  assert.equal(recipeFileFor("compose.yaml"), "appcipe.yml");
});

test("drops an answer meant for a step the wizard has already left", () => {
  const s = run([
    { type: "file", file: "c.yaml" },
    converted,
    { type: "next" },
    { type: "services", keys: ["web"] },
  ]);
  assert.equal(s.step, "ports");
  assert.equal(wizardReducer(s, { type: "services", keys: ["db"] }), s);
  assert.equal(wizardReducer(s, { type: "file", file: "other.yaml" }), s);
});
