/**
 * The runtime's event stream (docs/runtime-events.md) as a typed model: `parseEventLine`
 * turns one JSON line into an event, and `reduceEvent` folds events into the state the
 * dashboard renders. Both are pure so the dashboard can be tested without a running app.
 */
import {
  type DashboardState,
  initialDashboardState,
  portAddress,
  reduceEvent,
} from "./dashboard-state.js";

export type AppState = "preparing" | "starting" | "running" | "stopping" | "exited";
export type ServiceState =
  | "waiting"
  | "starting"
  | "running"
  | "healthy"
  | "unhealthy"
  | "exited"
  | "restarting"
  | "stopped";
export type HealthStatus = "starting" | "healthy" | "unhealthy";

export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: "tcp" | "udp";
}

export type RuntimeEvent =
  | { t: "app"; ts: number; name: string; state: AppState; exitCode?: number }
  | {
      t: "progress";
      ts: number;
      step: string;
      done: number;
      total?: number;
      unit: "bytes" | "items";
      label: string;
    }
  | {
      t: "service";
      ts: number;
      service: string;
      state: ServiceState;
      pid?: number;
      exitCode?: number;
      restarts?: number;
    }
  | {
      t: "health";
      ts: number;
      service: string;
      status: HealthStatus;
      failingStreak: number;
      output?: string;
    }
  | ({ t: "port"; ts: number; service: string } & PublishedPort)
  | { t: "log"; ts: number; service: string; stream: "stdout" | "stderr"; line: string }
  | { t: "error"; ts: number; message: string; fix?: string; service?: string }
  | { t: "warning"; ts: number; message: string };

type Json = Record<string, unknown>;

const appStates: readonly string[] = ["preparing", "starting", "running", "stopping", "exited"];
const serviceStates: readonly string[] = [
  "waiting",
  "starting",
  "running",
  "healthy",
  "unhealthy",
  "exited",
  "restarting",
  "stopped",
];
const healthStatuses: readonly string[] = ["starting", "healthy", "unhealthy"];

function str(o: Json, key: string): string | undefined {
  const v = o[key];
  return typeof v === "string" ? v : undefined;
}

function num(o: Json, key: string): number | undefined {
  const v = o[key];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function oneOf<T extends string>(o: Json, key: string, allowed: readonly string[]): T | undefined {
  const v = str(o, key);
  return v !== undefined && allowed.includes(v) ? (v as T) : undefined;
}

function parseApp(o: Json, ts: number): RuntimeEvent | undefined {
  const state = oneOf<AppState>(o, "state", appStates);
  if (!state) return undefined;
  return { t: "app", ts, name: str(o, "name") ?? "", state, exitCode: num(o, "exit_code") };
}

function parseProgress(o: Json, ts: number): RuntimeEvent | undefined {
  const step = str(o, "step");
  const done = num(o, "done");
  if (step === undefined || done === undefined) return undefined;
  const unit = str(o, "unit") === "bytes" ? "bytes" : "items";
  return {
    t: "progress",
    ts,
    step,
    done,
    total: num(o, "total"),
    unit,
    label: str(o, "label") ?? step,
  };
}

function parseService(o: Json, ts: number): RuntimeEvent | undefined {
  const service = str(o, "service");
  const state = oneOf<ServiceState>(o, "state", serviceStates);
  if (!service || !state) return undefined;
  const restarts = num(o, "restarts");
  return {
    t: "service",
    ts,
    service,
    state,
    pid: num(o, "pid"),
    exitCode: num(o, "exit_code"),
    restarts,
  };
}

function parseHealth(o: Json, ts: number): RuntimeEvent | undefined {
  const service = str(o, "service");
  const status = oneOf<HealthStatus>(o, "status", healthStatuses);
  if (!service || !status) return undefined;
  const failingStreak = num(o, "failing_streak") ?? 0;
  return { t: "health", ts, service, status, failingStreak, output: str(o, "output") };
}

function parsePort(o: Json, ts: number): RuntimeEvent | undefined {
  const service = str(o, "service");
  const hostPort = num(o, "host_port");
  if (!service || hostPort === undefined) return undefined;
  const protocol = str(o, "protocol") === "udp" ? "udp" : "tcp";
  const hostIp = str(o, "host_ip") ?? "127.0.0.1";
  const containerPort = num(o, "container_port") ?? hostPort;
  return { t: "port", ts, service, hostIp, hostPort, containerPort, protocol };
}

function parseLog(o: Json, ts: number): RuntimeEvent | undefined {
  const service = str(o, "service");
  const line = str(o, "line");
  if (!service || line === undefined) return undefined;
  return {
    t: "log",
    ts,
    service,
    stream: str(o, "stream") === "stderr" ? "stderr" : "stdout",
    line,
  };
}

function parseError(o: Json, ts: number): RuntimeEvent | undefined {
  const message = str(o, "message");
  if (message === undefined) return undefined;
  return { t: "error", ts, message, fix: str(o, "fix"), service: str(o, "service") };
}

function parseWarning(o: Json, ts: number): RuntimeEvent | undefined {
  const message = str(o, "message");
  return message === undefined ? undefined : { t: "warning", ts, message };
}

const parsers: Record<string, (o: Json, ts: number) => RuntimeEvent | undefined> = {
  app: parseApp,
  progress: parseProgress,
  service: parseService,
  health: parseHealth,
  port: parsePort,
  log: parseLog,
  error: parseError,
  warning: parseWarning,
};

function parseJsonObject(line: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Json)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Parses one line of the event stream. Returns undefined for blank or malformed lines and for
 * types or values this reader does not know: the contract says readers ignore them, so a newer
 * runtime never breaks an older dashboard.
 */
export function parseEventLine(line: string): RuntimeEvent | undefined {
  if (line.trim() === "") return undefined;
  const o = parseJsonObject(line);
  const type = o ? str(o, "t") : undefined;
  const parse = type !== undefined && Object.hasOwn(parsers, type) ? parsers[type] : undefined;
  return o && parse ? parse(o, num(o, "ts") ?? 0) : undefined;
}

export type { DashboardState, LogLine, ServiceView } from "./dashboard-state.js";
export { initialDashboardState, portAddress, reduceEvent };

/** Parses and folds a batch of lines, skipping the ones the contract says to ignore. */
export function reduceLines(state: DashboardState, lines: string[]): DashboardState {
  let next = state;
  for (const line of lines) {
    const event = parseEventLine(line);
    if (event) next = reduceEvent(next, event);
  }
  return next;
}
