import type {
  AppState,
  HealthStatus,
  PublishedPort,
  RuntimeEvent,
  ServiceState,
} from "./events.js";

/** The last lines kept per service; older lines scroll away like a terminal's. */
export const LOG_LINES_KEPT = 500;

export interface LogLine {
  stream: "stdout" | "stderr";
  line: string;
}

export interface ServiceView {
  name: string;
  state: ServiceState;
  pid?: number;
  exitCode?: number;
  restarts: number;
  health?: { status: HealthStatus; failingStreak: number; output?: string };
  ports: PublishedPort[];
  logs: LogLine[];
}

export interface DashboardState {
  name: string;
  app: AppState;
  exitCode?: number;
  /** The step the runtime is on before services start (first-run extraction). */
  progress?: { step: string; label: string; done: number; total?: number; unit: "bytes" | "items" };
  /** In the order the runtime first mentioned them. */
  services: ServiceView[];
  errors: { message: string; fix?: string; service?: string }[];
  /** The runtime's warnings, each once, oldest first. */
  warnings: string[];
}

export function initialDashboardState(name = ""): DashboardState {
  return { name, app: "preparing", services: [], errors: [], warnings: [] };
}

function newService(name: string): ServiceView {
  return { name, state: "waiting", restarts: 0, ports: [], logs: [] };
}

/** Applies `change` to the named service, adding the service if it is new. */
function updateService(
  state: DashboardState,
  name: string,
  change: (s: ServiceView) => ServiceView,
): DashboardState {
  const index = state.services.findIndex((s) => s.name === name);
  const services = [...state.services];
  if (index === -1) services.push(change(newService(name)));
  else services[index] = change(services[index] ?? newService(name));
  return { ...state, services };
}

function samePort(a: PublishedPort, b: PublishedPort): boolean {
  return a.hostIp === b.hostIp && a.hostPort === b.hostPort && a.protocol === b.protocol;
}

function addPort(s: ServiceView, port: PublishedPort): ServiceView {
  return s.ports.some((p) => samePort(p, port)) ? s : { ...s, ports: [...s.ports, port] };
}

function addLog(s: ServiceView, entry: LogLine): ServiceView {
  const logs = [...s.logs, entry];
  return { ...s, logs: logs.length > LOG_LINES_KEPT ? logs.slice(-LOG_LINES_KEPT) : logs };
}

function onService(s: ServiceView, e: Extract<RuntimeEvent, { t: "service" }>): ServiceView {
  // A service that starts again has a new health history; keep the old one until a probe says otherwise.
  const health = e.state === "restarting" ? undefined : s.health;
  return {
    ...s,
    state: e.state,
    pid: e.pid ?? (e.state === "exited" || e.state === "stopped" ? undefined : s.pid),
    exitCode: e.exitCode ?? (e.state === "exited" ? s.exitCode : undefined),
    restarts: e.restarts ?? s.restarts,
    health,
  };
}

function onApp(state: DashboardState, e: Extract<RuntimeEvent, { t: "app" }>): DashboardState {
  const progress = e.state === "preparing" ? state.progress : undefined;
  return { ...state, name: e.name || state.name, app: e.state, exitCode: e.exitCode, progress };
}

/** Folds one event into the dashboard state. Pure: returns a new state, never mutates. */
export function reduceEvent(state: DashboardState, e: RuntimeEvent): DashboardState {
  switch (e.t) {
    case "app":
      return onApp(state, e);
    case "progress":
      return {
        ...state,
        progress: { step: e.step, label: e.label, done: e.done, total: e.total, unit: e.unit },
      };
    case "service":
      return updateService(state, e.service, (s) => onService(s, e));
    case "health":
      return updateService(state, e.service, (s) => ({
        ...s,
        health: { status: e.status, failingStreak: e.failingStreak, output: e.output },
      }));
    case "port":
      return updateService(state, e.service, (s) => addPort(s, e));
    case "log":
      return updateService(state, e.service, (s) => addLog(s, { stream: e.stream, line: e.line }));
    case "error":
      return {
        ...state,
        errors: [...state.errors, { message: e.message, fix: e.fix, service: e.service }],
      };
    case "warning":
      return state.warnings.includes(e.message)
        ? state
        : { ...state, warnings: [...state.warnings, e.message] };
  }
}

/** A published port as something a user can open: a URL for TCP, host:port for UDP. */
export function portAddress(p: PublishedPort): string {
  const wildcard = p.hostIp === "" || p.hostIp === "0.0.0.0" || p.hostIp === "::";
  const host = wildcard ? "localhost" : p.hostIp.includes(":") ? `[${p.hostIp}]` : p.hostIp;
  return p.protocol === "tcp" ? `http://${host}:${p.hostPort}/` : `udp ${host}:${p.hostPort}`;
}
