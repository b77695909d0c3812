import { useEffect } from "react";
import { Text } from "ink";
import { useTheme } from "../theme.js";
import { useLatest } from "../use-latest.js";
import { useSyncState } from "../use-sync-state.js";
import { useTerminalSize } from "../use-terminal-size.js";
import { Dashboard } from "./dashboard.js";
import { useRunningApp, type AppExit } from "./use-running-app.js";
import { useKeys } from "../keys.js";

/**
 * The dashboard wired to a running app. tab/→ and shift+tab/← switch the log pane, r restarts
 * the selected service, q or ctrl+c asks for a graceful stop and a second q stops the runtime
 * with SIGTERM. `onDone` gets the app's exit once it has exited: at once after a stop, or when
 * the user closes the dashboard after an exit they did not ask for.
 */
export function LiveDashboard(props: {
  executable: string;
  args: string[];
  name: string;
  onDone: (exit: AppExit) => void;
}) {
  const theme = useTheme();
  const { columns, rows } = useTerminalSize();
  const { state, output, exit, app } = useRunningApp(props.executable, props.args, props.name);
  const [selected, setSelected, selectedRef] = useSyncState(0);
  const [stopping, setStopping, stoppingRef] = useSyncState(false);
  const panes = state.services.length + 1;
  const latest = useLatest({ services: state.services, panes, exit, onDone: props.onDone });
  useKeys((input, key) => {
    const { services, panes, exit, onDone } = latest.current;
    const selected = selectedRef.current;
    const quit = input === "q" || (key.ctrl && input === "c");
    if ((key.tab && key.shift) || key.leftArrow) setSelected((s) => (s - 1 + panes) % panes);
    else if (key.tab || key.rightArrow) setSelected((s) => (s + 1) % panes);
    else if (exit && quit) onDone(exit);
    else if (input === "r" && services[selected]) app.restart(services[selected].name);
    else if (quit) {
      if (stoppingRef.current) app.kill();
      setStopping(true);
      app.stop();
    }
  });
  const { onDone } = props;
  useEffect(() => {
    // An exit the user asked for closes the dashboard; one they did not stays on screen, with
    // the logs that explain it, until they close it.
    if (exit && (stoppingRef.current || exit.failure)) onDone(exit);
  }, [exit, onDone, stoppingRef]);
  if (exit?.failure) return <Text color={theme.error}>{`error: ${exit.failure}`}</Text>;
  const view = {
    selected: Math.min(selected, panes - 1),
    runtimeOutput: output,
    stopping,
    exitCode: exit?.code,
    columns,
    rows,
  };
  return <Dashboard state={state} view={view} />;
}
