import type { ProgressEvent } from "../util/progress.js";

/**
 * The build screen's model: every step the packer reported (one per image pull, layer export,
 * compression...), folded from the same ProgressEvents the plain CLI renders as lines.
 */
export interface StepView {
  step: string;
  label: string;
  done: number;
  total?: number;
  unit?: "bytes" | "items";
  finished: boolean;
}

export interface BuildProgressState {
  /** In the order the steps started. */
  steps: StepView[];
  messages: { level: "info" | "warn"; text: string }[];
}

/** Warnings and notes kept for the screen; older ones are still in the plain log. */
const MESSAGES_KEPT = 50;

export const initialBuildProgress: BuildProgressState = { steps: [], messages: [] };

function updateStep(
  state: BuildProgressState,
  step: string,
  change: (s: StepView) => StepView,
): BuildProgressState {
  const index = state.steps.findIndex((s) => s.step === step);
  if (index === -1) return state;
  const steps = [...state.steps];
  steps[index] = change(steps[index] as StepView);
  return { ...state, steps };
}

function startStep(state: BuildProgressState, e: Extract<ProgressEvent, { kind: "step-start" }>) {
  const fresh: StepView = {
    step: e.step,
    label: e.label,
    done: 0,
    total: e.total,
    unit: e.unit,
    finished: false,
  };
  const rest = state.steps.filter((s) => s.step !== e.step);
  return { ...state, steps: [...rest, fresh] };
}

/** Folds one progress event into the build screen's state. Pure. */
export function reduceProgress(state: BuildProgressState, e: ProgressEvent): BuildProgressState {
  switch (e.kind) {
    case "step-start":
      return startStep(state, e);
    case "step-progress":
      return updateStep(state, e.step, (s) => ({ ...s, done: e.done, total: e.total ?? s.total }));
    case "step-end":
      return updateStep(state, e.step, (s) => ({ ...s, label: e.label, finished: true }));
    case "message": {
      const messages = [...state.messages, { level: e.level, text: e.text }];
      return { ...state, messages: messages.slice(-MESSAGES_KEPT) };
    }
  }
}

/**
 * The steps that fit in `rows` lines: every running step first (they matter most), then the
 * most recent finished ones; `hidden` counts the finished steps left out.
 */
export function visibleSteps(
  state: BuildProgressState,
  rows: number,
): { shown: StepView[]; hidden: number } {
  const running = state.steps.filter((s) => !s.finished);
  const finished = state.steps.filter((s) => s.finished);
  const room = Math.max(0, rows - running.length - (finished.length > 0 ? 1 : 0));
  const recent = finished.slice(Math.max(0, finished.length - room));
  const shown = [...recent, ...running].slice(-Math.max(rows, 1));
  return { shown, hidden: state.steps.length - shown.length };
}
