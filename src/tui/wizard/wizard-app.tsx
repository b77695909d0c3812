import { useCallback, useMemo, useReducer, useState } from "react";
import { useApp } from "ink";
import { ExitCode } from "../../util/exit-codes.js";
import type { AppExit } from "../dashboard/use-running-app.js";
import { KeyRouter, useKeys } from "../keys.js";
import { useLatest } from "../use-latest.js";
import type { BuiltExecutable, ConvertResult, WizardOutcome, WizardPipeline } from "./pipeline.js";
import { StepScreen, type StepHandlers } from "./step-screen.js";
import {
  chosenRecipe,
  initialWizardState,
  wizardReducer,
  type Failure,
  type WizardState,
} from "./wizard-state.js";

/** Steps where q is a letter being typed, or where work is under way and only ctrl+c stops it. */
function qQuits(s: WizardState, typing: boolean): boolean {
  if (s.step === "file") return !typing;
  if (s.step === "building") return Boolean(s.failure);
  return s.step !== "name" && s.step !== "converting" && s.step !== "running";
}

function summaryOf(s: WizardState): string {
  if (s.executables.length > 0) return `built ${s.executables.map((e) => e.path).join(", ")}`;
  return "the wizard closed before building";
}

/**
 * The wizard: one screen per step of the flow in wizard-state.ts. esc goes back, q quits where
 * q is not text, ctrl+c always quits (in the dashboard it stops the app first). `onExit` gets
 * the outcome, or the error when a phase hit a bug.
 */
export interface WizardProps {
  cwd: string;
  file?: string;
  pipeline: WizardPipeline;
  onExit: (outcome: WizardOutcome, bug?: unknown) => void;
}

export function WizardApp(props: WizardProps) {
  return (
    <KeyRouter>
      <WizardFlow {...props} />
    </KeyRouter>
  );
}

function WizardFlow(props: WizardProps) {
  const { exit } = useApp();
  const [s, dispatch] = useReducer(wizardReducer, props.file, initialWizardState);
  const [typing, setTyping] = useState(false);
  const { onExit } = props;
  const close = useCallback(
    (outcome: WizardOutcome, bug?: unknown) => {
      onExit(outcome, bug);
      exit();
    },
    [onExit, exit],
  );
  const latest = useLatest({ s, typing });
  useKeys((input, key) => {
    const { s, typing } = latest.current;
    if (key.ctrl && input === "c") close({ exitCode: ExitCode.interrupted, summary: summaryOf(s) });
    else if (key.escape) dispatch({ type: "back" });
    else if (input === "q" && qQuits(s, typing)) close({ exitCode: 0, summary: summaryOf(s) });
  }, s.step !== "running");
  const onFailed = useCallback(
    (f: Failure) =>
      f.bug === undefined
        ? dispatch({ type: "failed", failure: f })
        : close({ exitCode: ExitCode.bug }, f.bug),
    [close],
  );
  const h: StepHandlers = useMemo(
    () => ({
      dispatch,
      onTyping: setTyping,
      onConverted: (r: ConvertResult) => dispatch({ type: "converted", ...r }),
      onFailed,
      onBuilt: (e: BuiltExecutable[]) => dispatch({ type: "built", executables: e }),
      onAppExit: (e: AppExit) =>
        close({ exitCode: e.code, summary: e.failure ?? `the app exited with code ${e.code}` }),
    }),
    [onFailed, close],
  );
  const recipe = useMemo(() => chosenRecipe(s), [s.recipe, s.choices]);
  return <StepScreen s={s} recipe={recipe} cwd={props.cwd} pipeline={props.pipeline} h={h} />;
}
