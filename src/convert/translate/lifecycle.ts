/**
 * Start order and stop behaviour: depends_on (short and long forms, conditions, required),
 * links as dependencies, restart (or deploy.restart_policy), stop_signal, stop_grace_period.
 */
import type {
  Dependency,
  DependencyCondition,
  RestartPolicy,
  Service,
} from "../../appcipe/types.js";
import { toMap } from "../merge.js";
import { child, isMap, isScalar, isSeq, keyLoc, text, truthy, type YNode } from "../node.js";
import { errorAt, warnAt, type ServiceContext } from "./context.js";
import { duration } from "./health.js";

type LifecycleFields = Pick<Service, "dependsOn" | "restart" | "stopSignal" | "stopGracePeriodMs">;

const CONDITIONS = new Set([
  "service_started",
  "service_healthy",
  "service_completed_successfully",
]);

export function translateLifecycle(ctx: ServiceContext): LifecycleFields {
  const out: LifecycleFields = { dependsOn: dependencies(ctx), restart: restartPolicy(ctx) };
  const signal = text(ctx.node.entries.get("stop_signal"));
  if (signal) out.stopSignal = signal;
  const grace = duration(ctx, ctx.node, "stop_grace_period", []);
  if (grace !== undefined) out.stopGracePeriodMs = grace;
  return out;
}

function dependencies(ctx: ServiceContext): Dependency[] {
  const out: Dependency[] = [];
  const node = ctx.node.entries.get("depends_on");
  if (node) {
    for (const [name, spec] of toMap(node).entries) {
      const dep = dependency(ctx, name, spec, isMap(node) ? keyLoc(node, name) : spec.loc);
      if (dep) out.push(dep);
    }
  }
  for (const dep of linkDependencies(ctx))
    if (!out.some((d) => d.service === dep.service)) out.push(dep);
  return out.sort((a, b) => a.service.localeCompare(b.service));
}

function dependency(
  ctx: ServiceContext,
  name: string,
  spec: YNode,
  at: { file: string; line: number; col: number },
): Dependency | undefined {
  const condition = text(child(spec, "condition")) ?? "service_started";
  const requiredNode = child(spec, "required");
  const required = requiredNode ? truthy(requiredNode) : true;
  if (!CONDITIONS.has(condition)) {
    errorAt(
      ctx,
      "compose/depends-on-condition",
      at,
      ["depends_on", name],
      `unknown condition ${condition}`,
      "use service_started, service_healthy or service_completed_successfully",
    );
    return undefined;
  }
  if (!ctx.services.has(name)) return missingDependency(ctx, name, required, at);
  return { service: name, condition: condition as DependencyCondition, required };
}

function missingDependency(
  ctx: ServiceContext,
  name: string,
  required: boolean,
  at: { file: string; line: number; col: number },
): undefined {
  const disabled = ctx.disabled.has(name);
  const why = disabled
    ? `service "${name}" is disabled by its profiles`
    : `service "${name}" is not defined`;
  if (!required) {
    warnAt(
      ctx,
      "compose/depends-on-missing",
      at,
      ["depends_on", name],
      `${why}; the optional dependency is dropped`,
      "remove it from depends_on, or enable the service",
    );
    return undefined;
  }
  errorAt(
    ctx,
    "compose/depends-on-missing",
    at,
    ["depends_on", name],
    `depends on ${why.replace(/^service/, "service")}`,
    disabled
      ? `enable its profile with --profile, or mark the dependency required: false`
      : "define the service, or remove it from depends_on",
  );
  return undefined;
}

/** `links: [db, "db:database"]`: a dependency, and an alias the linked service answers to. */
function linkDependencies(ctx: ServiceContext): Dependency[] {
  const node = ctx.node.entries.get("links");
  if (!isSeq(node)) return [];
  return node.items.flatMap((item, i) => {
    const [service = "", alias] = (text(item) ?? "").split(":");
    if (!ctx.services.has(service)) {
      errorAt(
        ctx,
        "compose/link-missing",
        item.loc,
        ["links", i],
        `linked service "${service}" is not defined`,
        "define the service, or remove the link",
      );
      return [];
    }
    if (alias) ctx.linkAliases.set(service, [...(ctx.linkAliases.get(service) ?? []), alias]);
    return [{ service, condition: "service_started" as const, required: true }];
  });
}

function restartPolicy(ctx: ServiceContext): RestartPolicy {
  const node = ctx.node.entries.get("restart");
  if (node) return parseRestart(ctx, node);
  const policy = child(child(ctx.node.entries.get("deploy"), "restart_policy"), "condition");
  const attempts = child(child(ctx.node.entries.get("deploy"), "restart_policy"), "max_attempts");
  const condition = text(policy);
  if (condition === "none") return { policy: "no" };
  if (condition === "on-failure") return withRetries(attempts);
  if (
    condition === "any" ||
    (child(ctx.node.entries.get("deploy"), "restart_policy") && !condition)
  )
    return { policy: "always" };
  return { policy: "no" };
}

function withRetries(node: YNode | undefined): RestartPolicy {
  return isScalar(node) && typeof node.value === "number"
    ? { policy: "on-failure", maxRetries: node.value }
    : { policy: "on-failure" };
}

function parseRestart(ctx: ServiceContext, node: YNode): RestartPolicy {
  const raw = text(node) ?? "no";
  const [policy, retries] = raw.split(":");
  if (policy === "no" || policy === "always" || policy === "unless-stopped") return { policy };
  if (policy === "on-failure" && (retries === undefined || /^\d+$/.test(retries))) {
    return retries === undefined ? { policy } : { policy, maxRetries: Number(retries) };
  }
  errorAt(
    ctx,
    "compose/restart",
    node.loc,
    ["restart"],
    `unknown restart policy ${raw}`,
    "use no, always, on-failure[:N] or unless-stopped",
  );
  return { policy: "no" };
}
