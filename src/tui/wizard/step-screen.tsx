import { resolve } from "node:path";
import type { Recipe } from "../../appcipe/types.js";
import { LiveDashboard } from "../dashboard/live-dashboard.js";
import type { AppExit } from "../dashboard/use-running-app.js";
import type { BuiltExecutable, ConvertResult, WizardPipeline } from "./pipeline.js";
import { BuildScreen } from "./screens/build-screen.js";
import { BuiltScreen, runnable } from "./screens/built-screen.js";
import { ConvertingScreen } from "./screens/converting-screen.js";
import { DiagnosticsScreen } from "./screens/diagnostics-screen.js";
import { FileScreen } from "./screens/file-screen.js";
import { QuestionScreen } from "./question-screen.js";
import {
  COUNTED_STEPS,
  recipeFileFor,
  type Failure,
  type WizardAction,
  type WizardState,
} from "./wizard-state.js";

/** The callbacks the screens report through, made once by the wizard so effects see stable ones. */
export interface StepHandlers {
  dispatch: (a: WizardAction) => void;
  onTyping: (typing: boolean) => void;
  onConverted: (r: ConvertResult) => void;
  onFailed: (f: Failure) => void;
  onBuilt: (e: BuiltExecutable[]) => void;
  onAppExit: (exit: AppExit) => void;
}

export function stepLabel(s: WizardState): string {
  const index = COUNTED_STEPS.indexOf(s.step);
  return index === -1 ? "" : `step ${index + 1} of ${COUNTED_STEPS.length}`;
}

/** The screen for the wizard's current step. */
export function StepScreen(props: {
  s: WizardState;
  recipe?: Recipe;
  cwd: string;
  pipeline: WizardPipeline;
  h: StepHandlers;
}) {
  const { s, recipe, cwd, pipeline, h } = props;
  const step = stepLabel(s);
  const file = s.file ?? "";
  switch (s.step) {
    case "file":
      return (
        <FileScreen
          cwd={cwd}
          step={step}
          onFile={(f) => h.dispatch({ type: "file", file: f })}
          onTyping={h.onTyping}
        />
      );
    case "converting":
      return (
        <ConvertingScreen
          file={file}
          step={step}
          convert={(f) => pipeline.convert(resolve(cwd, f))}
          onConverted={h.onConverted}
          onFailed={h.onFailed}
        />
      );
    case "diagnostics":
      return (
        <DiagnosticsScreen
          file={file}
          cwd={cwd}
          step={step}
          problems={s.diagnostics}
          failure={s.failure}
          onNext={() => h.dispatch({ type: "next" })}
        />
      );
    case "building":
      if (!recipe || !s.choices) return null;
      return (
        <BuildScreen
          step={step}
          recipe={recipe}
          recipeFile={resolve(cwd, recipeFileFor(file))}
          targets={s.choices.targets}
          pipeline={pipeline}
          failure={s.failure}
          onBuilt={h.onBuilt}
          onFailed={h.onFailed}
        />
      );
    case "built":
      return (
        <BuiltScreen
          executables={s.executables}
          recipe={recipe}
          onRun={() => h.dispatch({ type: "next" })}
        />
      );
    case "running": {
      const exe = runnable(s.executables);
      if (!exe || !recipe) return null;
      return (
        <LiveDashboard executable={exe.path} args={[]} name={recipe.name} onDone={h.onAppExit} />
      );
    }
    default:
      return recipe ? (
        <QuestionScreen s={s} recipe={recipe} dispatch={h.dispatch} step={step} />
      ) : null;
  }
}
