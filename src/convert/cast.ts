/**
 * Phase 2b: after interpolation, docker compose turns the strings at some paths into numbers
 * or booleans, so `retries: ${RETRIES}` validates as an integer. The paths are compose-go's.
 */
import type { Diagnostics } from "./diagnostics.js";
import { isMap, isSeq, type YNode, type YScalar } from "./node.js";

type Cast = "int" | "float" | "bool";

const S = "services.*.";
const CASTS: [string, Cast][] = [
  ...["cpu_count", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares"].map(
    (k) => [S + k, "int"] as [string, Cast],
  ),
  [`${S}cpu_percent`, "float"],
  [`${S}cpus`, "float"],
  [`${S}init`, "bool"],
  [`${S}depends_on.*.required`, "bool"],
  [`${S}depends_on.*.restart`, "bool"],
  [`${S}deploy.replicas`, "int"],
  [`${S}deploy.update_config.parallelism`, "int"],
  [`${S}deploy.update_config.max_failure_ratio`, "float"],
  [`${S}deploy.rollback_config.parallelism`, "int"],
  [`${S}deploy.rollback_config.max_failure_ratio`, "float"],
  [`${S}deploy.restart_policy.max_attempts`, "int"],
  [`${S}deploy.placement.max_replicas_per_node`, "int"],
  [`${S}healthcheck.retries`, "int"],
  [`${S}healthcheck.disable`, "bool"],
  [`${S}oom_kill_disable`, "bool"],
  [`${S}oom_score_adj`, "int"],
  [`${S}pids_limit`, "int"],
  [`${S}ports.[].target`, "int"],
  [`${S}privileged`, "bool"],
  [`${S}read_only`, "bool"],
  [`${S}scale`, "int"],
  [`${S}stdin_open`, "bool"],
  [`${S}tty`, "bool"],
  [`${S}ulimits.*`, "int"],
  [`${S}ulimits.*.hard`, "int"],
  [`${S}ulimits.*.soft`, "int"],
  [`${S}volumes.[].read_only`, "bool"],
  [`${S}volumes.[].volume.nocopy`, "bool"],
  ...["external", "internal", "attachable", "enable_ipv4", "enable_ipv6"].map(
    (k) => [`networks.*.${k}`, "bool"] as [string, Cast],
  ),
  ["volumes.*.external", "bool"],
  ["secrets.*.external", "bool"],
  ["configs.*.external", "bool"],
];

const TREE = buildTree();

interface CastTree {
  cast?: Cast;
  children: Map<string, CastTree>;
}

function buildTree(): CastTree {
  const root: CastTree = { children: new Map() };
  for (const [path, cast] of CASTS) {
    let node = root;
    for (const step of path.split(".")) {
      const next = node.children.get(step) ?? { children: new Map() };
      node.children.set(step, next);
      node = next;
    }
    node.cast = cast;
  }
  return root;
}

/** Casts the strings at the typed paths of one file's tree, in place. */
export function castTypes(root: YNode, diags: Diagnostics): void {
  walk(root, TREE, [], diags);
}

function walk(node: YNode, tree: CastTree, path: (string | number)[], diags: Diagnostics): void {
  if (node.kind === "scalar") {
    if (tree.cast) castScalar(node, tree.cast, path, diags);
    return;
  }
  if (isSeq(node)) {
    const sub = tree.children.get("[]");
    if (sub) node.items.forEach((item, i) => walk(item, sub, [...path, i], diags));
    return;
  }
  if (!isMap(node)) return;
  for (const [key, value] of node.entries) {
    const sub = tree.children.get(key) ?? tree.children.get("*");
    if (sub) walk(value, sub, [...path, key], diags);
  }
}

function castScalar(
  node: YScalar,
  cast: Cast,
  path: (string | number)[],
  diags: Diagnostics,
): void {
  if (typeof node.value !== "string") return;
  const value = convert(node.value, cast);
  if (value !== undefined) {
    if (cast === "bool" && !/^(true|false)$/i.test(node.value)) warnLegacy(node, path, diags);
    node.value = value;
    return;
  }
  diags.error({
    code: "compose/invalid-type",
    at: node.loc,
    path,
    message: `"${node.value}" is not ${cast === "bool" ? "a boolean" : "a number"}`,
    fix: cast === "bool" ? "write true or false" : "write a number",
  });
}

/** YAML 1.1 spelled booleans as yes, no, on, off; Compose still reads them, and warns. */
function warnLegacy(node: YScalar, path: (string | number)[], diags: Diagnostics): void {
  const wanted = convert(String(node.value), "bool") ? "true" : "false";
  diags.warn({
    code: "compose/legacy-boolean",
    at: node.loc,
    path,
    message: `"${String(node.value)}" is read as ${wanted}, as YAML 1.1 did; YAML 1.2 no longer treats it as a boolean`,
    fix: `write ${wanted}`,
  });
}

function convert(raw: string, cast: Cast): number | boolean | undefined {
  if (cast === "bool") {
    const v = raw.toLowerCase();
    if (["true", "y", "yes", "on"].includes(v)) return true;
    if (["false", "n", "no", "off"].includes(v)) return false;
    return undefined;
  }
  const pattern = cast === "int" ? /^[-+]?\d+$/ : /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
  return pattern.test(raw.trim()) ? Number(raw) : undefined;
}
