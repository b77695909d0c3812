/**
 * Runs native/build/supervise-driver (the supervisor over plain host commands) and collects
 * what a user and a dashboard would see: stdout, stderr, the event stream on fd 3, and the
 * exit code. A control pipe on fd 4 is opened on request.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Writable } from "node:stream";
import { repoRoot } from "../support/cli.js";

export const driverPath = join(repoRoot, "native", "build", "supervise-driver");

export interface SupervisorEvent {
  t: string;
  ts: number;
  [key: string]: unknown;
}

export interface DriverExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: SupervisorEvent[];
}

export interface DriverRun {
  child: ChildProcess;
  events: SupervisorEvent[];
  stdout: () => string;
  exited: Promise<DriverExit>;
  waitFor: (match: (e: SupervisorEvent) => boolean, timeoutMs?: number) => Promise<SupervisorEvent>;
  control: (command: unknown) => void;
}

let built: string | undefined | null = null;

/** Builds the driver once per test process; returns a reason to skip when it cannot. */
export function buildDriver(): string | undefined {
  if (built !== null) return built;
  try {
    execFileSync("cc", ["--version"], { stdio: "ignore" });
  } catch {
    built = "no C compiler (cc) on this machine";
    if (process.env.CI) throw new Error(built);
    return built;
  }
  // Test files run in parallel; the lock keeps two makes from writing the same objects.
  const lock = join(tmpdir(), "chefer-supervise-build.lock");
  execFileSync("flock", [lock, "make", "-s", "-C", "native", "-f", "supervise.mk", "supervise"], {
    cwd: repoRoot,
    stdio: ["ignore", "ignore", "inherit"],
  });
  built = undefined;
  return built;
}

/** A string no other process on the machine has in its command line. */
export function uniqueSleep(): string {
  const n = 3000 + Math.floor(Math.random() * 1_000_000);
  return `${Math.floor(n / 100)}.${n % 100}${process.pid % 97}`;
}

/** The pids of live processes whose command line contains marker. */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmdline.includes(marker)) found.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** The children of pid that are zombies: exited, and not reaped by pid. */
export function zombieChildren(pid: number): number[] {
  const zombies: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z" && Number(fields[1]) === pid) zombies.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return zombies;
}

function collectEvents(child: ChildProcess, events: SupervisorEvent[], onEvent: () => void) {
  let pending = "";
  child.stdio[3]?.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    // JSON.parse throws on a malformed line, which fails the test that reads it.
    for (const line of lines) events.push(JSON.parse(line) as SupervisorEvent);
    onEvent();
  });
}

/** Starts the driver with args; events come on fd 3, control commands go to fd 4. */
export function startDriver(
  args: string[],
  options: { control?: boolean; env?: Record<string, string | undefined> } = {},
): DriverRun {
  const controlArgs = options.control ? ["--control", "4"] : [];
  const child = spawn(driverPath, ["--events", "3", ...controlArgs, ...args], {
    env: { ...process.env, NO_COLOR: "1", CHEFER_LOG: undefined, ...options.env },
    stdio: ["ignore", "pipe", "pipe", "pipe", options.control ? "pipe" : "ignore"],
  });
  const events: SupervisorEvent[] = [];
  const waiters = new Set<() => void>();
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
  collectEvents(child, events, () => waiters.forEach((w) => w()));

  const exited = new Promise<DriverExit>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, events }));
  });

  const waitFor = (match: (e: SupervisorEvent) => boolean, timeoutMs = 5000) =>
    new Promise<SupervisorEvent>((resolve, reject) => {
      const check = () => {
        const hit = events.find(match);
        if (!hit) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(hit);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  // A string is sent as it is, to test what JSON.stringify would never write.
  const control = (command: unknown) => {
    const line = typeof command === "string" ? command : JSON.stringify(command);
    (child.stdio[4] as Writable).write(`${line}\n`);
  };

  return { child, events, stdout: () => stdout, exited, waitFor, control };
}

/** Runs the driver to its end. */
export function runDriver(
  args: string[],
  options: { env?: Record<string, string | undefined> } = {},
): Promise<DriverExit> {
  return startDriver(args, options).exited;
}

/** Events of one type for one service, in order. */
export function serviceEvents(events: SupervisorEvent[], service: string, state?: string) {
  return events.filter(
    (e) => e.t === "service" && e.service === service && (state === undefined || e.state === state),
  );
}

/** The timestamp of the first event matching, or a failure naming what was missing. */
export function tsOf(events: SupervisorEvent[], service: string, state: string): number {
  const hit = serviceEvents(events, service, state)[0];
  if (!hit) throw new Error(`no ${state} event for ${service} in ${JSON.stringify(events)}`);
  return hit.ts;
}
