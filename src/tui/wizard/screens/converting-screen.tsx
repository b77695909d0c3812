import { useEffect } from "react";
import { Text } from "ink";
import { Screen } from "../../components/screen.js";
import type { ConvertResult, WizardPipeline } from "../pipeline.js";
import type { Failure } from "../wizard-state.js";
import { failureOf } from "./failure.js";

/** Runs the conversion once and reports its result; shows what it is doing meanwhile. */
export function ConvertingScreen(props: {
  file: string;
  step: string;
  convert: WizardPipeline["convert"];
  onConverted: (result: ConvertResult) => void;
  onFailed: (failure: Failure) => void;
}) {
  const { file, convert, onConverted, onFailed } = props;
  useEffect(() => {
    let current = true;
    // The converter works synchronously for a moment; starting it on the next turn of the
    // event loop lets this screen reach the terminal first.
    const timer = setTimeout(() => {
      convert(file).then(
        (result) => current && onConverted(result),
        (error: unknown) => current && onFailed(failureOf(error)),
      );
    }, 0);
    return () => {
      current = false;
      clearTimeout(timer);
    };
    // One conversion per visit to this screen.
  }, []);
  return (
    <Screen title="Converting" step={props.step} hints={[["ctrl+c", "quit"]]}>
      <Text>{`converting ${file}`}</Text>
    </Screen>
  );
}
