/**
 * The positioned tree every loading phase works on. Each node remembers the file, line and
 * column it was written at, so a value keeps its source through interpolation, merging and
 * extends, and a diagnostic about it can point at the user's text.
 */
import type { SourceLocation } from "../util/errors.js";

/** `!reset` deletes an attribute when merging; `!override` replaces it without merging. */
export type MergeTag = "reset" | "override";

export type ScalarValue = string | number | boolean | null;

export interface YScalar {
  kind: "scalar";
  value: ScalarValue;
  loc: SourceLocation;
  /** The text as written, for numbers whose spelling matters (file modes such as 0440). */
  source?: string;
  tag?: MergeTag;
}

export interface YMap {
  kind: "map";
  entries: Map<string, YNode>;
  /** Where each key was written; a diagnostic about a key points here. */
  keyLocs: Map<string, SourceLocation>;
  loc: SourceLocation;
  tag?: MergeTag;
}

export interface YSeq {
  kind: "seq";
  items: YNode[];
  loc: SourceLocation;
  tag?: MergeTag;
}

export type YNode = YScalar | YMap | YSeq;

export function scalar(value: ScalarValue, loc: SourceLocation): YScalar {
  return { kind: "scalar", value, loc };
}

export function newMap(loc: SourceLocation): YMap {
  return { kind: "map", entries: new Map(), keyLocs: new Map(), loc };
}

export function newSeq(loc: SourceLocation, items: YNode[] = []): YSeq {
  return { kind: "seq", items, loc };
}

export function isMap(node: YNode | undefined): node is YMap {
  return node?.kind === "map";
}

export function isSeq(node: YNode | undefined): node is YSeq {
  return node?.kind === "seq";
}

export function isScalar(node: YNode | undefined): node is YScalar {
  return node?.kind === "scalar";
}

/** The child of a mapping, or undefined when the node is not a mapping or lacks the key. */
export function child(node: YNode | undefined, key: string): YNode | undefined {
  return isMap(node) ? node.entries.get(key) : undefined;
}

/** Sets a key, keeping the location of the key if it was already there. */
export function setChild(map: YMap, key: string, value: YNode, keyLoc?: SourceLocation): void {
  map.entries.set(key, value);
  if (!map.keyLocs.has(key)) map.keyLocs.set(key, keyLoc ?? value.loc);
}

/** Where a key of a mapping was written, falling back to the mapping itself. */
export function keyLoc(map: YMap, key: string): SourceLocation {
  return map.keyLocs.get(key) ?? map.entries.get(key)?.loc ?? map.loc;
}

/** A scalar as text, the way Compose stringifies numbers and booleans; undefined otherwise. */
export function text(node: YNode | undefined): string | undefined {
  if (!isScalar(node) || node.value === null) return undefined;
  return String(node.value);
}

/** True for a scalar `true`, or the strings Compose casts to true. */
export function truthy(node: YNode | undefined): boolean {
  if (!isScalar(node)) return false;
  if (typeof node.value === "boolean") return node.value;
  return (
    typeof node.value === "string" && ["true", "yes", "y", "on"].includes(node.value.toLowerCase())
  );
}

/** `external: true`, or the legacy `external: {name: ...}` form that implies it. */
export function isExternal(def: YNode | undefined): boolean {
  const ext = child(def, "external");
  return truthy(ext) || isMap(ext);
}

/** A deep copy, so a base service reused by extends is never changed through its clone. */
export function clone<T extends YNode>(node: T): T {
  if (node.kind === "scalar") return { ...node };
  if (node.kind === "seq") return { ...node, items: node.items.map((i) => clone(i)) };
  const out: YMap = { ...node, entries: new Map(), keyLocs: new Map(node.keyLocs) };
  for (const [k, v] of node.entries) out.entries.set(k, clone(v));
  return out as T;
}

/** Plain JSON data for schema validation; positions and tags are left behind. */
export function toPlain(node: YNode): unknown {
  if (node.kind === "scalar") return node.value;
  if (node.kind === "seq") return node.items.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [k, v] of node.entries) out[k] = toPlain(v);
  return out;
}

/** Finds the node at a path of keys and indexes, as far as it exists. */
export function nodeAt(root: YNode, path: (string | number)[]): { node: YNode; rest: number } {
  let node: YNode = root;
  for (let i = 0; i < path.length; i++) {
    const step = path[i] as string | number;
    const next: YNode | undefined = isSeq(node)
      ? node.items[Number(step)]
      : child(node, String(step));
    if (!next) return { node, rest: path.length - i };
    node = next;
  }
  return { node, rest: 0 };
}

/** Formats a path the way diagnostics print it: services.web.ports[0]. */
export function formatPath(path: (string | number)[]): string {
  let out = "";
  for (const step of path) {
    if (typeof step === "number") out += `[${step}]`;
    else out += out ? `.${step}` : step;
  }
  return out;
}
