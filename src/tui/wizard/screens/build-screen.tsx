import { useEffect, useReducer } from "react";
import { Text } from "ink";
import type { Recipe } from "../../../appcipe/types.js";
import { initialBuildProgress, reduceProgress } from "../../build-progress.js";
import { BuildProgressView } from "../../components/build-progress-view.js";
import { Screen } from "../../components/screen.js";
import { useTheme } from "../../theme.js";
import { useTerminalSize } from "../../use-terminal-size.js";
import type { Target } from "../choices.js";
import type { BuiltExecutable, WizardPipeline } from "../pipeline.js";
import type { Failure } from "../wizard-state.js";
import { failureOf } from "./failure.js";

/** Writes the recipe, then builds it, once; progress shows live. A failure stays on screen. */
export function BuildScreen(props: {
  step: string;
  recipe: Recipe;
  recipeFile: string;
  targets: Target[];
  pipeline: WizardPipeline;
  failure?: Failure;
  onBuilt: (executables: BuiltExecutable[]) => void;
  onFailed: (failure: Failure) => void;
}) {
  const theme = useTheme();
  const { columns, rows } = useTerminalSize();
  const [progress, dispatch] = useReducer(reduceProgress, initialBuildProgress);
  const { recipe, recipeFile, targets, pipeline, onBuilt, onFailed } = props;
  useEffect(() => {
    let current = true;
    (async () => {
      await pipeline.writeRecipe(recipe, recipeFile);
      return pipeline.build(recipeFile, targets, (e) => current && dispatch(e));
    })().then(
      (built) => current && onBuilt(built),
      (error: unknown) => current && onFailed(failureOf(error)),
    );
    return () => {
      current = false;
    };
    // One build per visit to this screen: a failure re-renders it but must not build again.
  }, []);
  const hints: [string, string][] = props.failure
    ? [
        ["esc", "back"],
        ["q", "quit"],
      ]
    : [["ctrl+c", "quit"]];
  return (
    <Screen title={`Building ${recipe.name}`} step={props.step} hints={hints}>
      <Text wrap="truncate">{`recipe written to ${recipeFile}`}</Text>
      <BuildProgressView state={progress} columns={columns} rows={rows - 8} />
      {props.failure ? (
        <Text color={theme.error} wrap="truncate">{`error: ${props.failure.message}`}</Text>
      ) : null}
      {props.failure?.fix ? <Text wrap="truncate">{`  fix: ${props.failure.fix}`}</Text> : null}
    </Screen>
  );
}
