import { constants } from "node:os";
import type { Dependency, DependencyCondition, Healthcheck, RestartPolicy } from "./types.js";
import { child, entries, fail, isObj, isStr, type Ctx, type Obj } from "./context.js";
import type { Segment } from "./source.js";
import { parseDuration } from "./duration.js";
import { HEALTHCHECK_DEFAULTS } from "./defaults.js";

const conditions: Record<string, DependencyCondition> = {
  started: "service_started",
  healthy: "service_healthy",
  completed_successfully: "service_completed_successfully",
};

/** `depends_on:` as a list of names or a mapping with conditions; names are checked later. */
export function normalizeDependsOn(value: unknown): Dependency[] {
  if (Array.isArray(value))
    return value
      .filter(isStr)
      .map((service) => ({ service, condition: "service_started", required: true }));
  return entries(value).map(([service, spec]) => {
    const opts: Obj = isObj(spec) ? spec : {};
    const text = isStr(opts.condition) ? opts.condition : "service_started";
    const condition = conditions[text] ?? (text as DependencyCondition);
    return { service, condition, required: opts.required !== false };
  });
}

/** A duration in milliseconds; reports text that is not one. */
export function readDuration(ctx: Ctx, value: unknown, path: Segment[]): number | undefined {
  if (value === undefined) return undefined;
  const ms =
    typeof value === "string" || typeof value === "number" ? parseDuration(value) : undefined;
  if (ms === undefined)
    fail(ctx, {
      code: "recipe/bad-duration",
      path,
      message: `\`${String(value)}\` is not a duration`,
      fix: "write a duration such as 30s, 1m30s or 500ms (a bare number means seconds)",
    });
  return ms;
}

/** undefined keeps the image's HEALTHCHECK; null turns it off (`disable: true` or test NONE). */
export function normalizeHealthcheck(
  ctx: Ctx,
  value: unknown,
  path: Segment[],
): Healthcheck | null | undefined {
  if (!isObj(value)) return undefined;
  if (value.disable === true) return null;
  const test = healthTest(ctx, value.test, child(path, "test"), path);
  if (test === null) return null;
  const d = HEALTHCHECK_DEFAULTS;
  const time = (key: string, fallback: number) =>
    readDuration(ctx, value[key], child(path, key)) ?? fallback;
  const h = {
    intervalMs: time("interval", d.intervalMs),
    timeoutMs: time("timeout", d.timeoutMs),
    retries: typeof value.retries === "number" ? value.retries : d.retries,
    startPeriodMs: time("start_period", d.startPeriodMs),
    startIntervalMs: time("start_interval", d.startIntervalMs),
  };
  if (h.intervalMs === 0 || h.timeoutMs === 0)
    fail(ctx, {
      code: "recipe/bad-duration",
      path: child(path, h.intervalMs === 0 ? "interval" : "timeout"),
      message: "a healthcheck interval or timeout of 0 never runs the check",
      fix: "use at least 1s",
    });
  return test === undefined ? undefined : { test, ...h };
}

/** `"cmd"` runs through a shell; `[CMD, ...]` is argv; `[CMD-SHELL, s]` a shell; `[NONE]` is off. */
function healthTest(
  ctx: Ctx,
  value: unknown,
  path: Segment[],
  parent: Segment[],
): Healthcheck["test"] | null | undefined {
  if (value === undefined)
    return fail(ctx, {
      code: "recipe/missing-key",
      path: parent,
      message: "the healthcheck has no `test`",
      fix: 'add `test: ["CMD", "program", "arg"]` or `test: "shell command"`, or `disable: true`',
    });
  if (isStr(value)) return value.trim() ? { shell: value } : emptyTest(ctx, path);
  if (!Array.isArray(value) || value.length === 0) return emptyTest(ctx, path);
  const [head, ...rest] = value as string[];
  if (head === "NONE") return null;
  if (head === "CMD-SHELL")
    return rest.length === 1
      ? { shell: rest[0] as string }
      : fail(ctx, {
          code: "recipe/bad-healthcheck",
          path,
          message: "CMD-SHELL takes exactly one command string",
          fix: 'write ["CMD-SHELL", "the whole command"]',
        });
  const argv = head === "CMD" ? rest : (value as string[]);
  return argv.length > 0 ? { argv } : emptyTest(ctx, path);
}

function emptyTest(ctx: Ctx, path: Segment[]): undefined {
  return fail(ctx, {
    code: "recipe/bad-healthcheck",
    path,
    message: "the healthcheck test is empty",
    fix: 'write a command, e.g. ["CMD", "wget", "-qO-", "http://localhost:8080/health"], or `disable: true`',
  });
}

/** `no`, `always`, `unless-stopped`, `on-failure` or `on-failure:N`. */
export function normalizeRestart(ctx: Ctx, value: unknown, path: Segment[]): RestartPolicy {
  if (value === undefined) return { policy: "no" };
  const m = isStr(value)
    ? /^(no|always|unless-stopped|on-failure)(?::(\d+))?$/.exec(value.trim())
    : null;
  if (!m || (m[2] !== undefined && m[1] !== "on-failure")) {
    fail(ctx, {
      code: "recipe/bad-restart",
      path,
      message: `\`${String(value)}\` is not a restart policy`,
      fix: 'write "no", always, unless-stopped, on-failure or on-failure:N',
    });
    return { policy: "no" };
  }
  if (m[1] === "on-failure")
    return m[2] === undefined
      ? { policy: "on-failure" }
      : { policy: "on-failure", maxRetries: Number(m[2]) };
  return { policy: m[1] as "no" | "always" | "unless-stopped" };
}

/** `SIGTERM`, `TERM` or a signal number, as Docker takes them; returned as `SIGTERM`. */
export function normalizeSignal(ctx: Ctx, value: unknown, path: Segment[]): string | undefined {
  if (value === undefined) return undefined;
  const signals = constants.signals as Record<string, number>;
  const byNumber = Object.entries(signals).find(([, n]) => n === Number(value))?.[0];
  const name =
    typeof value === "number" ? byNumber : `SIG${String(value).toUpperCase().replace(/^SIG/, "")}`;
  if (name && (name in signals || /^SIGRTM(IN|AX)([+-]\d+)?$/.test(name))) return name;
  return fail(ctx, {
    code: "recipe/bad-signal",
    path,
    message: `\`${String(value)}\` is not a signal`,
    fix: "write a signal name such as SIGTERM, SIGINT or SIGQUIT",
  });
}
