import { Text } from "ink";
import { Screen } from "../../components/screen.js";
import { defaultTargets } from "../choices.js";
import type { BuiltExecutable } from "../pipeline.js";
import { useKeys } from "../../keys.js";

/** The executable for this machine, which is the one the wizard can run. */
export function runnable(executables: BuiltExecutable[]): BuiltExecutable | undefined {
  return executables.find((e) => defaultTargets().includes(e.target));
}

/** Where the executables are, and the offer to run the one for this machine. */
export function BuiltScreen(props: { executables: BuiltExecutable[]; onRun: () => void }) {
  const host = runnable(props.executables);
  useKeys((_input, key) => {
    if (key.return && host) props.onRun();
  });
  const hints: [string, string][] = host
    ? [
        ["enter", "run it now"],
        ["q", "quit"],
      ]
    : [["q", "quit"]];
  return (
    <Screen title="Built" hints={hints}>
      {props.executables.map((e) => (
        <Text key={e.path} wrap="truncate">{`${e.target.padEnd(14)} ${e.path}`}</Text>
      ))}
      <Text> </Text>
      <Text wrap="truncate">
        {host
          ? "Run it now? The dashboard shows its services and logs."
          : "None of these runs on this machine."}
      </Text>
    </Screen>
  );
}
