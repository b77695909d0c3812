import { spawn, type ChildProcess } from "node:child_process";
import type { Writable } from "node:stream";
import type { LogLine } from "../events.js";
import { lineSplitter } from "./lines.js";

/** The file descriptors the packed app gets for its event stream and its control commands. */
const EVENTS_FD = 3;
const CONTROL_FD = 4;

export interface AppHandlers {
  onEventLines: (lines: string[]) => void;
  /** The runtime's own stdout and stderr, and those of services attached to the terminal. */
  onOutput: (lines: LogLine[]) => void;
  onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
  onSpawnError: (error: Error) => void;
}

export interface RunningApp {
  restart: (service: string) => void;
  /** Asks the runtime for a graceful stop: services get their stop signal and grace period. */
  stop: () => void;
  /** Sends SIGTERM to the runtime itself, for a second quit while a stop hangs. */
  kill: () => void;
}

/** The flags that make a packed app report events and take commands (docs/runtime-events.md). */
export function dashboardArgs(): string[] {
  return ["--events", String(EVENTS_FD), "--events-logs", "--control", String(CONTROL_FD)];
}

function pipeLines(child: ChildProcess, h: AppHandlers): void {
  const out = lineSplitter((lines) =>
    h.onOutput(lines.map((line) => ({ stream: "stdout", line }))),
  );
  const err = lineSplitter((lines) =>
    h.onOutput(lines.map((line) => ({ stream: "stderr", line }))),
  );
  const events = lineSplitter(h.onEventLines);
  child.stdout?.on("data", out.push).on("end", out.flush);
  child.stderr?.on("data", err.push).on("end", err.flush);
  const eventStream = child.stdio[EVENTS_FD];
  eventStream?.on("data", events.push);
  eventStream?.on("end", events.flush);
}

function sendCommand(control: Writable | undefined, command: object): void {
  if (!control || control.destroyed || !control.writable) return;
  control.write(`${JSON.stringify(command)}\n`);
}

/**
 * Starts a packed app for the dashboard: its event stream on fd 3, its control pipe on fd 4,
 * its output captured so it cannot scribble over the screen, and no stdin.
 */
export function startApp(executable: string, args: string[], h: AppHandlers): RunningApp {
  const child = spawn(executable, [...dashboardArgs(), ...args], {
    stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"],
  });
  pipeLines(child, h);
  child.on("error", h.onSpawnError);
  child.on("close", h.onExit);
  const control = child.stdio[CONTROL_FD] as Writable | undefined;
  // The runtime may exit before reading a command; a broken pipe then is not an error.
  control?.on("error", () => {});
  // 'close' waits for every stdio pipe, and this end of the control pipe stays open until closed.
  child.on("exit", () => control?.destroy());
  return {
    restart: (service) => sendCommand(control, { cmd: "restart", service }),
    stop: () => sendCommand(control, { cmd: "stop" }),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    },
  };
}
