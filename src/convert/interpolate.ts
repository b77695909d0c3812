/**
 * Phase 2: variable substitution in values, file by file, before any merge, as docker compose
 * does. Forms: $V, ${V}, ${V:-d}, ${V-d}, ${V:?e}, ${V?e}, ${V:+a}, ${V+a}, $$, and nesting
 * inside defaults, messages and alternates. Keys are never interpolated.
 */
import type { Diagnostics } from "./diagnostics.js";
import type { YNode, YScalar } from "./node.js";

export type Lookup = (name: string) => string | undefined;

/** A substitution that cannot be done: a required variable is missing, or the syntax is bad. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly kind: "required" | "invalid",
  ) {
    super(message);
  }
}

export interface Substitution {
  value: string;
  /** Variables read while unset with no default: docker compose warns about each. */
  unset: string[];
}

const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

/** Substitutes every variable of `template`; throws TemplateError like compose-go's errors. */
export function substitute(template: string, lookup: Lookup): Substitution {
  const unset: string[] = [];
  let out = "";
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf("$", i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    const step = expandAt(template, dollar, lookup, unset);
    out += step.text;
    i = step.next;
  }
  out += template.slice(i);
  return { value: out, unset };
}

function expandAt(
  s: string,
  at: number,
  lookup: Lookup,
  unset: string[],
): { text: string; next: number } {
  const next = s[at + 1];
  if (next === "$") return { text: "$", next: at + 2 };
  if (next === "{") return expandBraced(s, at, lookup, unset);
  const name = NAME.exec(s.slice(at + 1))?.[0];
  if (!name) return { text: "$", next: at + 1 };
  return { text: read(name, lookup, unset), next: at + 1 + name.length };
}

function read(name: string, lookup: Lookup, unset: string[]): string {
  const value = lookup(name);
  if (value === undefined) unset.push(name);
  return value ?? "";
}

/** The index of the `}` closing the `${` at `at`, counting nested `${`; -1 if none. */
function closingBrace(s: string, at: number): number {
  let depth = 0;
  for (let i = at + 1; i < s.length; i++) {
    if (s[i] === "{") depth += 1;
    else if (s[i] === "}") {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function expandBraced(
  s: string,
  at: number,
  lookup: Lookup,
  unset: string[],
): { text: string; next: number } {
  const end = closingBrace(s, at);
  if (end < 0) throw invalid(s);
  const body = s.slice(at + 2, end);
  const name = NAME.exec(body)?.[0];
  if (!name) throw invalid(s);
  const rest = body.slice(name.length);
  if (rest === "") return { text: read(name, lookup, unset), next: end + 1 };
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (!op) throw invalid(s);
  return { text: applyOperator(name, op, rest.slice(op.length), lookup, unset), next: end + 1 };
}

function invalid(template: string): TemplateError {
  return new TemplateError(`Invalid template: ${JSON.stringify(template)}`, "invalid");
}

function applyOperator(
  name: string,
  op: string,
  arg: string,
  lookup: Lookup,
  unset: string[],
): string {
  const value = lookup(name);
  const isSet = value !== undefined;
  const nonEmpty = isSet && value !== "";
  const nested = (): string => {
    const r = substitute(arg, lookup);
    unset.push(...r.unset);
    return r.value;
  };
  switch (op) {
    case ":-":
      return nonEmpty ? value : nested();
    case "-":
      return isSet ? value : nested();
    case ":+":
      return nonEmpty ? nested() : (value ?? "");
    case "+":
      return isSet ? nested() : "";
    case ":?":
    case "?":
      if (op === ":?" ? nonEmpty : isSet) return value ?? "";
      throw missing(name, nested());
    default:
      throw invalid(op);
  }
}

function missing(name: string, reason: string): TemplateError {
  const tail = reason ? `: ${reason}` : "";
  return new TemplateError(`required variable ${name} is missing a value${tail}`, "required");
}

/** Interpolates every string value of a tree in place, reporting problems at each value. */
export function interpolateTree(
  node: YNode,
  lookup: Lookup,
  diags: Diagnostics,
  path: (string | number)[] = [],
): void {
  if (node.kind === "scalar") return interpolateScalar(node, lookup, diags, path);
  // One path array, pushed and popped: large files have many thousands of values.
  if (node.kind === "seq") {
    node.items.forEach((item, i) => {
      path.push(i);
      interpolateTree(item, lookup, diags, path);
      path.pop();
    });
    return;
  }
  for (const [k, v] of node.entries) {
    path.push(k);
    interpolateTree(v, lookup, diags, path);
    path.pop();
  }
}

function interpolateScalar(
  node: YScalar,
  lookup: Lookup,
  diags: Diagnostics,
  path: (string | number)[],
): void {
  if (typeof node.value !== "string" || !node.value.includes("$")) return;
  try {
    const r = substitute(node.value, lookup);
    node.value = r.value;
    for (const name of r.unset) warnUnset(name, node, path, diags);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    diags.error({
      code: error.kind === "required" ? "compose/required-variable" : "compose/invalid-template",
      at: node.loc,
      path: [...path],
      message: error.message,
      fix:
        error.kind === "required"
          ? "set the variable in the environment or in the project's .env file"
          : "write a variable as $NAME or ${NAME}, and a literal dollar sign as $$",
    });
  }
}

const warnedUnset = new WeakMap<Diagnostics, Set<string>>();

/** docker compose warns once per unset variable; so do we, at its first use. */
function warnUnset(
  name: string,
  node: YScalar,
  path: (string | number)[],
  diags: Diagnostics,
): void {
  const seen = warnedUnset.get(diags) ?? new Set<string>();
  warnedUnset.set(diags, seen);
  if (seen.has(name)) return;
  seen.add(name);
  diags.warn({
    code: "compose/unset-variable",
    at: node.loc,
    path: [...path],
    message: `the "${name}" variable is not set; it defaults to a blank string`,
    fix: `set ${name} in the environment or in the project's .env file, or write \${${name}:-default}`,
  });
}
