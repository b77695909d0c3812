/** Runs hostile variants through a target and gathers what breaks the error contract. */
import { UserError, type Problem } from "../../src/util/errors.js";
import type { Variant } from "./hostile.js";

export interface Outcome {
  refused: number;
  accepted: string[];
  broken: string[];
}

/** How long one input may take (generous: the tests share the machine with the native
 * fuzzers); a parser that takes longer is as bad as one that hangs. */
export const INPUT_BOUND_MS = 15_000;

/**
 * run returns the problems of one input (warnings included) or throws. The contract: a
 * thrown error is a UserError, every error problem says where, and no input takes longer
 * than INPUT_BOUND_MS.
 */
export function check(variants: Variant[], run: (data: Buffer) => Problem[]): Outcome {
  const outcome: Outcome = { refused: 0, accepted: [], broken: [] };
  for (const v of variants) {
    const started = Date.now();
    const verdict = judge(v, run);
    const took = Date.now() - started;
    if (took > INPUT_BOUND_MS) outcome.broken.push(`${v.label}: took ${took} ms`);
    if (verdict === "accepted") outcome.accepted.push(v.label);
    else if (verdict === "refused") outcome.refused++;
    else outcome.broken.push(`${v.label}: ${verdict}`);
  }
  return outcome;
}

function judge(v: Variant, run: (data: Buffer) => Problem[]): string {
  let problems: Problem[];
  try {
    problems = run(v.data);
  } catch (error) {
    if (!(error instanceof UserError)) return `threw ${(error as Error).stack ?? String(error)}`;
    problems = error.problems.length > 0 ? error.problems : [unlocated(error)];
  }
  const errors = problems.filter((p) => p.severity === "error");
  const bad = errors.find((p) => p.location === undefined && p.path === undefined);
  if (bad) return `an error without a location: ${bad.message}`;
  return errors.length > 0 ? "refused" : "accepted";
}

function unlocated(error: UserError): Problem {
  return { code: "none", severity: "error", message: error.message };
}
