import { constants } from "node:os";
import { useEffect, useReducer, useRef, useState } from "react";
import {
  initialDashboardState,
  reduceLines,
  type DashboardState,
  type LogLine,
} from "../events.js";
import { LOG_LINES_KEPT } from "../dashboard-state.js";
import { startApp, type RunningApp } from "./app-process.js";

export interface AppExit {
  code: number;
  /** Why the app could not run at all, when it never started. */
  failure?: string;
}

const noApp: RunningApp = { restart: () => {}, stop: () => {}, kill: () => {} };

function appendOutput(lines: LogLine[], more: LogLine[]): LogLine[] {
  return [...lines, ...more].slice(-LOG_LINES_KEPT);
}

/** The exit status a shell would report: the code, or 128 + the signal's number. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

/**
 * Runs a packed app for as long as the component lives and folds its event stream into
 * dashboard state. Returns the state, the runtime's own output, the exit once it happened,
 * and the handle to send commands.
 */
export function useRunningApp(executable: string, args: string[], name: string) {
  const [state, dispatch] = useReducer(reduceLines, initialDashboardState(name));
  const [output, setOutput] = useState<LogLine[]>([]);
  const [exit, setExit] = useState<AppExit>();
  const app = useRef<RunningApp>(noApp);
  useEffect(() => {
    app.current = startApp(executable, args, {
      onEventLines: dispatch,
      onOutput: (lines) => setOutput((o) => appendOutput(o, lines)),
      // A spawn failure is followed by a close; the failure is the news.
      onExit: (code, signal) => setExit((e) => e ?? { code: exitStatus(code, signal) }),
      onSpawnError: (e) =>
        setExit({ code: 127, failure: `cannot start ${executable}: ${e.message}` }),
    });
    return () => app.current.kill();
    // The app starts once per mount; a new executable means a new dashboard.
  }, []);
  const control: RunningApp = {
    restart: (service) => app.current.restart(service),
    stop: () => app.current.stop(),
    kill: () => app.current.kill(),
  };
  return { state: state as DashboardState, output, exit, app: control };
}
