/**
 * The fuzz loop, in a child process so that the test can stop an input that hangs or blows
 * up memory. Before each input it sends the input; after a non-UserError it sends the stack.
 */
import { readFileSync } from "node:fs";
import { mutate, prng } from "./mutate.js";
import { runTarget, type Kind } from "./targets.js";

export interface FuzzJob {
  kind: Kind;
  seeds: string[];
  iterations: number;
  seed: number;
  dir: string;
}

export type FuzzMessage =
  | { type: "input"; iteration: number; data: Uint8Array }
  | { type: "bug"; iteration: number; data: Uint8Array; stack: string }
  | { type: "unlocated"; iteration: number; data: Uint8Array; problem: string }
  | { type: "done"; iterations: number; rejected: number };

/**
 * Waits until the message is written: a loop that never yields would leave messages queued in
 * the child once the pipe is full, and the watchdog would take the silence for a hang.
 */
function post(message: FuzzMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    process.send?.(message, undefined, {}, (error) => (error ? reject(error) : resolve()));
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

async function fuzz(job: FuzzJob): Promise<void> {
  const next = prng(job.seed);
  const seeds = job.seeds.map((path) => readFileSync(path));
  let rejected = 0;
  for (let iteration = 0; iteration < job.iterations; iteration++) {
    const data = mutate(seeds[Math.floor(next() * seeds.length)] as Buffer, next);
    await post({ type: "input", iteration, data });
    try {
      const problems = runTarget(job.kind, data, job.dir);
      if (problems.length > 0) rejected++;
      const unlocated = problems.find((p) => p.location === undefined && p.path === undefined);
      if (unlocated) await post({ type: "unlocated", iteration, data, problem: unlocated.message });
    } catch (error) {
      await post({ type: "bug", iteration, data, stack: describe(error) });
    }
  }
  await post({ type: "done", iterations: job.iterations, rejected });
}

process.once("message", (job: FuzzJob) => {
  void fuzz(job).then(() => process.disconnect());
});
