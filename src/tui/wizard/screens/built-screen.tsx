import { Text } from "ink";
import type { Recipe } from "../../../appcipe/types.js";
import { formatBytes } from "../../../util/progress.js";
import { Screen } from "../../components/screen.js";
import { useKeys } from "../../keys.js";
import { defaultTargets } from "../choices.js";
import type { BuiltExecutable } from "../pipeline.js";

/** The executable for this machine, which is the one the wizard can run. */
export function runnable(executables: BuiltExecutable[]): BuiltExecutable | undefined {
  return executables.find((e) => defaultTargets().includes(e.target));
}

/** Whether a service of the app reads the terminal, which the dashboard keeps for itself. */
export function usesTerminal(recipe: Recipe | undefined): boolean {
  return (recipe?.services ?? []).some(
    (s) => s.interfaceMode === "terminal" || s.interfaceMode === "both",
  );
}

function offer(host: BuiltExecutable | undefined, terminal: boolean): string {
  if (!host) return "None of these runs on this machine.";
  if (terminal) return `It talks to the terminal, so run it yourself: ${host.path}`;
  return "Run it now? The dashboard shows its services and logs.";
}

/** Where the executables are, and the offer to run the one for this machine. */
export function BuiltScreen(props: {
  executables: BuiltExecutable[];
  recipe?: Recipe;
  onRun: () => void;
}) {
  const host = runnable(props.executables);
  const terminal = usesTerminal(props.recipe);
  const canRun = host !== undefined && !terminal;
  useKeys((_input, key) => {
    if (key.return && canRun) props.onRun();
  });
  const hints: [string, string][] = canRun
    ? [
        ["enter", "run it now"],
        ["q", "quit"],
      ]
    : [["q", "quit"]];
  return (
    <Screen title="Built" hints={hints}>
      {props.executables.map((e) => (
        <Text key={e.path} wrap="truncate">
          {`${e.target.padEnd(14)} ${e.path}${e.size === undefined ? "" : `  (${formatBytes(e.size)})`}`}
        </Text>
      ))}
      <Text> </Text>
      <Text wrap="truncate">{offer(host, terminal)}</Text>
    </Screen>
  );
}
