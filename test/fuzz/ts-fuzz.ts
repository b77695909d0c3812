/**
 * Runs the TypeScript fuzz loop (fuzz-worker.ts) in a child process with a watchdog: an input
 * that runs longer than the bound, or a child that runs out of memory, ends the run and is
 * reported with the input. (A child rather than a worker thread: Node 20 does not hand the
 * tsx loader to workers.) Findings are written to a directory so they can join the regression corpus.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FuzzJob, FuzzMessage } from "./fuzz-worker.js";

export interface Finding {
  iteration: number;
  what: string;
  file: string;
}

export interface FuzzReport {
  iterations: number;
  rejected: number;
  bugs: Finding[];
  unlocated: Finding[];
  /** The slowest input, for a bound that is close to being hit. */
  slowest: { iteration: number; ms: number };
}

const MEMORY_MB = 512;

function save(dir: string, name: string, data: Uint8Array): string {
  mkdirSync(join(dir, "findings"), { recursive: true });
  const file = join(dir, "findings", name);
  writeFileSync(file, data);
  return file;
}

/** Runs the job; rejects with the input when one hangs or exhausts the worker's memory. */
export function runFuzz(job: FuzzJob, inputMs: number): Promise<FuzzReport> {
  const report: FuzzReport = {
    iterations: 0,
    rejected: 0,
    bugs: [],
    unlocated: [],
    slowest: { iteration: -1, ms: 0 },
  };
  const worker = fork(fileURLToPath(new URL("./fuzz-worker.ts", import.meta.url)), {
    execArgv: ["--import", "tsx", `--max-old-space-size=${MEMORY_MB}`],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
    serialization: "advanced",
  });
  worker.send(job);
  let stderr = "";
  worker.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  let current: { iteration: number; data: Uint8Array; since: number } | undefined;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (what: string) => {
      if (settled) return; // the child may only exit once its report is in
      settled = true;
      clearInterval(watchdog);
      worker.kill("SIGKILL");
      const at = current ? `input ${current.iteration}` : "start-up";
      const file = current
        ? save(job.dir, `${what.split(" ")[0]}-${current.iteration}`, current.data)
        : "";
      reject(
        new Error(`${job.kind} fuzzer (seed ${job.seed}): ${what} at ${at}; input kept in ${file}`),
      );
    };
    const watchdog = setInterval(() => {
      if (current && Date.now() - current.since > inputMs) fail(`hang over ${inputMs} ms`);
    }, 250);
    worker.on("message", (m: FuzzMessage) => {
      if (m.type === "input") {
        if (current) note(report, current.iteration, Date.now() - current.since);
        current = { iteration: m.iteration, data: m.data, since: Date.now() };
      } else if (m.type === "bug") report.bugs.push(finding(job, m.iteration, m.stack, m.data));
      else if (m.type === "unlocated")
        report.unlocated.push(finding(job, m.iteration, m.problem, m.data));
      else {
        settled = true;
        clearInterval(watchdog);
        resolve({ ...report, iterations: m.iterations, rejected: m.rejected });
      }
    });
    worker.on("error", (error) => fail(`crash (${error.message})`));
    worker.on("exit", (code, signal) => {
      if (code !== 0 && signal !== "SIGKILL") fail(`exit ${code ?? signal}: ${stderr.slice(-800)}`);
    });
  });
}

function note(report: FuzzReport, iteration: number, ms: number): void {
  if (ms > report.slowest.ms) report.slowest = { iteration, ms };
}

function finding(job: FuzzJob, iteration: number, what: string, data: Uint8Array): Finding {
  const kind = what.startsWith("UserError") ? "unlocated" : "bug";
  return { iteration, what, file: save(job.dir, `${kind}-${iteration}.yml`, data) };
}
