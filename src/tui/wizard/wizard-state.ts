import { dirname, join } from "node:path";
import type { Recipe } from "../../appcipe/types.js";
import type { Problem } from "../../util/errors.js";
import {
  applyChoices,
  defaultChoices,
  optionsFor,
  type Target,
  type WizardChoices,
} from "./choices.js";
import type { BuiltExecutable } from "./pipeline.js";

export type StepName =
  | "file"
  | "converting"
  | "diagnostics"
  | "services"
  | "ports"
  | "volumes"
  | "name"
  | "targets"
  | "confirm"
  | "building"
  | "built"
  | "running";

export interface Failure {
  message: string;
  fix?: string;
  problems: Problem[];
  /** Set when the failure is a bug in chefer rather than something the user can fix. */
  bug?: unknown;
}

export interface WizardState {
  step: StepName;
  /** The compose file, as the user named it (relative to the working directory or absolute). */
  file?: string;
  recipe?: Recipe;
  diagnostics: Problem[];
  /** Why converting or building failed; the screen shows it until the user goes back. */
  failure?: Failure;
  choices?: WizardChoices;
  executables: BuiltExecutable[];
}

export type WizardAction =
  | { type: "file"; file: string }
  | { type: "converted"; recipe: Recipe; diagnostics: Problem[] }
  | { type: "failed"; failure: Failure }
  | { type: "next" }
  | { type: "services"; keys: string[] }
  | { type: "ports"; keys: string[] }
  | { type: "volumes"; keys: string[] }
  | { type: "name"; name: string }
  | { type: "targets"; targets: Target[] }
  | { type: "built"; executables: BuiltExecutable[] }
  | { type: "back" };

/** The steps a user walks through, for the "step 3 of 9" counter. */
export const COUNTED_STEPS: StepName[] = [
  "file",
  "diagnostics",
  "services",
  "ports",
  "volumes",
  "name",
  "targets",
  "confirm",
  "building",
];

export function initialWizardState(file?: string): WizardState {
  return { step: file ? "converting" : "file", file, diagnostics: [], executables: [] };
}

/** Where the wizard writes the recipe: beside the compose file, as Compose users expect. */
export function recipeFileFor(composeFile: string): string {
  return join(dirname(composeFile), "appcipe.yml");
}

/** The recipe as the user's choices have shaped it so far. */
export function chosenRecipe(s: WizardState): Recipe | undefined {
  return s.recipe && s.choices ? applyChoices(s.recipe, s.choices) : s.recipe;
}

/** Whether a step has anything to ask, given the services chosen; empty steps are skipped. */
function hasQuestions(s: WizardState, step: StepName): boolean {
  if (!s.recipe || !s.choices) return true;
  const options = optionsFor(s.recipe, s.choices.services);
  if (step === "ports") return options.ports.length > 0;
  if (step === "volumes") return options.volumes.length > 0;
  return true;
}

const forwardOrder: StepName[] = [
  "diagnostics",
  "services",
  "ports",
  "volumes",
  "name",
  "targets",
  "confirm",
];

function stepAfter(s: WizardState, step: StepName): StepName {
  const later = forwardOrder.slice(forwardOrder.indexOf(step) + 1);
  return later.find((next) => hasQuestions(s, next)) ?? "building";
}

function stepBefore(s: WizardState): StepName {
  if (s.step === "diagnostics" || s.step === "converting") return "file";
  if (s.step === "building") return s.failure ? "confirm" : s.step;
  const earlier = forwardOrder.slice(0, Math.max(0, forwardOrder.indexOf(s.step))).reverse();
  return earlier.find((prev) => hasQuestions(s, prev)) ?? s.step;
}

function withChoices(s: WizardState, change: Partial<WizardChoices>, from: StepName): WizardState {
  if (!s.choices) return s;
  const next = { ...s, choices: { ...s.choices, ...change } };
  return { ...next, step: stepAfter(next, from) };
}

/** Leaving the services step keeps only the ports and volumes of the services still chosen. */
function withServices(s: WizardState, keys: string[]): WizardState {
  if (!s.recipe || !s.choices) return s;
  const options = optionsFor(s.recipe, keys);
  const ports = s.choices.ports.filter((k) => options.ports.some((p) => p.key === k));
  const volumes = s.choices.volumes.filter((v) => options.volumes.includes(v));
  return withChoices(s, { services: keys, ports, volumes }, "services");
}

function goBack(s: WizardState): WizardState {
  const step = stepBefore(s);
  return { ...s, step, failure: step === s.step ? s.failure : undefined };
}

/**
 * The wizard's flow as a pure reducer: which step follows which, what each answer changes,
 * and where escape leads back to. Effects (converting, building) live in the screens.
 */
export function wizardReducer(s: WizardState, a: WizardAction): WizardState {
  return answersStep(s, a) ? reduce(s, a) : s;
}

/** The step each action answers: a key that reached the screen before this one is dropped. */
const answeredBy: Partial<Record<WizardAction["type"], StepName[]>> = {
  file: ["file"],
  converted: ["converting"],
  failed: ["converting", "building"],
  services: ["services"],
  ports: ["ports"],
  volumes: ["volumes"],
  name: ["name"],
  targets: ["targets"],
  built: ["building"],
};

function answersStep(s: WizardState, a: WizardAction): boolean {
  const steps = answeredBy[a.type];
  return steps === undefined || steps.includes(s.step);
}

function reduce(s: WizardState, a: WizardAction): WizardState {
  switch (a.type) {
    case "file":
      return { ...initialWizardState(a.file) };
    case "converted":
      return {
        ...s,
        step: "diagnostics",
        recipe: a.recipe,
        diagnostics: a.diagnostics,
        choices: defaultChoices(a.recipe),
        failure: undefined,
      };
    case "failed":
      return {
        ...s,
        step: s.step === "converting" ? "diagnostics" : "building",
        failure: a.failure,
      };
    case "next":
      return s.step === "diagnostics" && (s.failure || !s.recipe) ? s : { ...s, step: nextFrom(s) };
    case "services":
      return withServices(s, a.keys);
    case "ports":
      return withChoices(s, { ports: a.keys }, "ports");
    case "volumes":
      return withChoices(s, { volumes: a.keys }, "volumes");
    case "name":
      return withChoices(s, { name: a.name }, "name");
    case "targets":
      return withChoices(s, { targets: a.targets }, "targets");
    case "built":
      return { ...s, step: "built", executables: a.executables };
    case "back":
      return goBack(s);
  }
}

/** Where "next" leads from the steps that only ask for a confirmation. */
function nextFrom(s: WizardState): StepName {
  if (s.step === "built") return "running";
  if (s.step === "diagnostics" || s.step === "confirm") return stepAfter(s, s.step);
  return s.step;
}
