/**
 * Healthchecks: a string test runs through the shell (CMD-SHELL), a list starts with CMD,
 * CMD-SHELL or NONE; `disable: true` and NONE turn the image's check off. Durations use
 * Docker's defaults where unset.
 */
import type { Healthcheck } from "../../appcipe/types.js";
import { child, isScalar, isSeq, keyLoc, text, truthy, type YMap, type YNode } from "../node.js";
import { parseDuration } from "../syntax/duration.js";
import { errorAt, warnAt, type ServiceContext } from "./context.js";

const DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  retries: 3,
  startPeriodMs: 0,
  startIntervalMs: 5_000,
};

/** undefined: keep the image's check; null: disabled. */
export function translateHealthcheck(ctx: ServiceContext): Healthcheck | null | undefined {
  const node = ctx.node.entries.get("healthcheck");
  if (!node || node.kind !== "map") return undefined;
  if (truthy(child(node, "disable"))) return null;
  const testNode = child(node, "test");
  if (!testNode) return inheritTest(ctx, node);
  const test = readTest(ctx, testNode);
  if (test === null || test === undefined) return test;
  return { test, ...timings(ctx, node) };
}

function inheritTest(ctx: ServiceContext, node: YMap): undefined {
  if (node.entries.size > 0) {
    warnAt(
      ctx,
      "compose/healthcheck-no-test",
      node.loc,
      ["healthcheck"],
      "the healthcheck has no test, so the image's check runs with the image's timings",
      "add a test to use these timings",
    );
  }
  return undefined;
}

function readTest(ctx: ServiceContext, node: YNode): Healthcheck["test"] | null | undefined {
  if (isScalar(node)) return { shell: text(node) ?? "" };
  if (!isSeq(node)) return undefined;
  const [head, ...rest] = node.items.map((i) => text(i) ?? "");
  if (head === "NONE") return null;
  if (head === "CMD") return { argv: rest };
  // Docker runs `sh -c test[1]`; further items only become the shell's positional arguments.
  if (head === "CMD-SHELL") return { shell: rest[0] ?? "" };
  errorAt(
    ctx,
    "compose/healthcheck-test",
    node.loc,
    ["healthcheck", "test"],
    `a test list must start with CMD, CMD-SHELL or NONE, not ${JSON.stringify(head ?? "")}`,
    `write ["CMD", ...] or ["CMD-SHELL", "command"]`,
  );
  return undefined;
}

function timings(ctx: ServiceContext, node: YMap): Omit<Healthcheck, "test"> {
  const out = { ...DEFAULTS };
  out.intervalMs = duration(ctx, node, "interval") ?? out.intervalMs;
  out.timeoutMs = duration(ctx, node, "timeout") ?? out.timeoutMs;
  out.startPeriodMs = duration(ctx, node, "start_period") ?? out.startPeriodMs;
  out.startIntervalMs = duration(ctx, node, "start_interval") ?? out.startIntervalMs;
  const retries = child(node, "retries");
  if (isScalar(retries) && typeof retries.value === "number") out.retries = retries.value;
  return out;
}

/** A duration field of a mapping in milliseconds; reports it when it cannot be read. */
export function duration(
  ctx: ServiceContext,
  node: YMap,
  key: string,
  path: string[] = ["healthcheck"],
): number | undefined {
  const value = child(node, key);
  if (!isScalar(value) || value.value === null) return undefined;
  const ms = parseDuration(value.value as string | number);
  if (ms === undefined) {
    errorAt(
      ctx,
      "compose/duration",
      value.loc ?? keyLoc(node, key),
      [...path, key],
      `"${String(value.value)}" is not a duration`,
      "write a duration such as 30s, 1m30s or 500ms",
    );
  }
  return ms;
}
