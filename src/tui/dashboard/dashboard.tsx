import { Box, Text } from "ink";
import type { DashboardState, LogLine } from "../events.js";
import { formatBytes } from "../../util/progress.js";
import { KeyHints } from "../components/key-hints.js";
import { ProgressBar } from "../components/progress-bar.js";
import { useTheme } from "../theme.js";
import { LogPane } from "./log-pane.js";
import { ServiceTable } from "./service-table.js";

/** What the dashboard shows besides the event state: which pane, and the runtime's own output. */
export interface DashboardView {
  /** Index into the services; services.length selects the runtime's own output. */
  selected: number;
  runtimeOutput: LogLine[];
  /** Set once the user asked for a stop, until the app has exited. */
  stopping: boolean;
  /** The runtime's exit status once it has exited; the keys then only look and close. */
  exitCode?: number;
  columns: number;
  rows: number;
}

export const DASHBOARD_HINTS: [string, string][] = [
  ["tab/←→", "switch logs"],
  ["r", "restart service"],
  ["q", "stop and quit"],
];

export const EXITED_HINTS: [string, string][] = [
  ["tab/←→", "switch logs"],
  ["q", "close"],
];

function Header({ state, view }: { state: DashboardState; view: DashboardView }) {
  const theme = useTheme();
  // A runtime that fails before its first event still exits; the process says how.
  const app = view.exitCode !== undefined ? "exited" : state.app;
  const exitCode = state.exitCode ?? view.exitCode;
  const code = app === "exited" && exitCode !== undefined ? ` (exit code ${exitCode})` : "";
  const status = view.stopping && app !== "exited" ? "stopping" : app;
  return (
    <Text wrap="truncate">
      <Text bold={theme.bold} color={theme.accent}>
        {state.name || "app"}
      </Text>
      {`  ${status}${code}`}
    </Text>
  );
}

function Progress({ p, columns }: { p: NonNullable<DashboardState["progress"]>; columns: number }) {
  const amount = p.unit === "bytes" ? formatBytes(p.done) : String(p.done);
  const total =
    p.total === undefined ? "" : `/${p.unit === "bytes" ? formatBytes(p.total) : p.total}`;
  return (
    <Text wrap="truncate">
      {`${p.label} ${amount}${total} `}
      <ProgressBar done={p.done} total={p.total} width={Math.max(10, Math.min(30, columns - 50))} />
    </Text>
  );
}

/** At most two lines: the newest errors, else the newest warnings. */
function noticeLines(state: DashboardState): { text: string; error: boolean }[] {
  const errors = state.errors.map((e) => ({
    text: `error: ${e.service ? `${e.service}: ` : ""}${e.message}${e.fix ? ` (fix: ${e.fix})` : ""}`,
    error: true,
  }));
  const warnings = state.warnings.map((w) => ({ text: `warning: ${w}`, error: false }));
  return [...warnings, ...errors].slice(-2);
}

function Notices({ lines }: { lines: { text: string; error: boolean }[] }) {
  const theme = useTheme();
  return (
    <>
      {lines.map((n, i) => (
        <Text key={i} color={n.error ? theme.error : theme.warn} wrap="truncate">
          {n.text}
        </Text>
      ))}
    </>
  );
}

/** The running app at a glance: state, a row per service, one log pane, and the keys. */
export function Dashboard({ state, view }: { state: DashboardState; view: DashboardView }) {
  const over = view.exitCode !== undefined || state.app === "exited";
  const onRuntime = view.selected >= state.services.length;
  const service = onRuntime ? undefined : state.services[view.selected];
  const notices = noticeLines(state);
  // Header, progress, errors, table header and rows, log title, key hints; one row spare so Ink
  // never fills the screen, which would make it clear and redraw everything on each frame.
  const fixed = 1 + (state.progress ? 1 : 0) + notices.length + 1 + state.services.length + 1 + 1;
  const logHeight = Math.max(1, view.rows - fixed - 1);
  return (
    <Box flexDirection="column" width={view.columns}>
      <Header state={state} view={view} />
      {state.progress ? <Progress p={state.progress} columns={view.columns} /> : null}
      <Notices lines={notices} />
      <ServiceTable services={state.services} selected={onRuntime ? -1 : view.selected} />
      <LogPane
        title={service ? `logs: ${service.name}` : "output of the app"}
        lines={service ? service.logs : view.runtimeOutput}
        height={logHeight}
      />
      <KeyHints hints={over ? EXITED_HINTS : DASHBOARD_HINTS} />
    </Box>
  );
}
