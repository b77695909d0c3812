/**
 * Phase 1: YAML text to positioned trees. Anchors, aliases and `<<` merge keys are resolved
 * here, before interpolation, as compose-go does; `!reset` and `!override` tags are kept on
 * the nodes for the merge phase. YAML 1.2 rules apply: `yes` and `on` stay strings.
 */
import {
  Alias,
  LineCounter,
  isAlias,
  isMap as isYamlMap,
  isScalar as isYamlScalar,
  isSeq as isYamlSeq,
  parseAllDocuments,
  type Document,
  type Node as YamlNode,
  type Pair,
} from "yaml";
import type { SourceLocation } from "../util/errors.js";
import type { Diagnostics } from "./diagnostics.js";
import { newMap, newSeq, type MergeTag, type YMap, type YNode, type YScalar } from "./node.js";

/** compose-go stops at this many visited nodes so an alias bomb cannot exhaust memory. */
const NODE_BUDGET = 100_000;

class ParseFailure extends Error {
  constructor(
    readonly at: SourceLocation,
    message: string,
  ) {
    super(message);
  }
}

interface Context {
  file: string;
  text: string;
  lines: LineCounter;
  doc: Document.Parsed;
  visited: number;
}

/** Parses every document of a compose file; an empty file yields one empty mapping. */
export function parseCompose(file: string, text: string, diags: Diagnostics): YMap[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, version: "1.2", uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const out: YMap[] = [];
  for (const doc of list) {
    const tree = parseDocument({ file, text, lines, doc, visited: 0 }, diags);
    if (tree) out.push(tree);
  }
  if (out.length === 0 && !diags.hasErrors) out.push(newMap({ file, line: 1, col: 1 }));
  return out;
}

function parseDocument(ctx: Context, diags: Diagnostics): YMap | undefined {
  const firstError = ctx.doc.errors[0];
  if (firstError) {
    diags.error({
      code: "compose/yaml-syntax",
      at: locAt(ctx, firstError.pos[0]),
      message: `the file is not valid YAML: ${firstLine(firstError.message)}`,
      fix: "correct the YAML syntax at this position",
    });
    return undefined;
  }
  try {
    const root = ctx.doc.contents ? convert(ctx.doc.contents as YamlNode, ctx) : undefined;
    if (!root || (root.kind === "scalar" && root.value === null)) return newMap(locAt(ctx, 0));
    if (root.kind !== "map") throw new ParseFailure(root.loc, "the top level must be a mapping");
    return root;
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    diags.error({
      code: "compose/yaml-structure",
      at: error.at,
      message: error.message,
      fix: "write the file as a mapping of compose keys, with anchors defined before use",
    });
    return undefined;
  }
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

function locAt(ctx: Context, offset: number): SourceLocation {
  const pos = ctx.lines.linePos(offset);
  return { file: ctx.file, line: pos.line, col: pos.col };
}

function nodeLoc(ctx: Context, node: YamlNode): SourceLocation {
  return locAt(ctx, node.range?.[0] ?? 0);
}

function mergeTag(node: YamlNode): MergeTag | undefined {
  if (node.tag === "!reset") return "reset";
  if (node.tag === "!override") return "override";
  return undefined;
}

function convert(node: YamlNode, ctx: Context): YNode {
  ctx.visited += 1;
  if (ctx.visited > NODE_BUDGET) {
    throw new ParseFailure(nodeLoc(ctx, node), "the document expands to too many nodes");
  }
  if (isAlias(node)) return convertAlias(node, ctx);
  const tag = mergeTag(node);
  const out = convertUntagged(node, ctx);
  if (tag) out.tag = tag;
  return out;
}

function convertUntagged(node: YamlNode, ctx: Context): YNode {
  if (isYamlMap(node)) return convertMap(node.items as Pair[], nodeLoc(ctx, node), ctx);
  if (isYamlSeq(node)) {
    return newSeq(
      nodeLoc(ctx, node),
      node.items.map((i) => convert(i as YamlNode, ctx)),
    );
  }
  if (isYamlScalar(node)) return convertScalar(node, ctx);
  throw new ParseFailure(nodeLoc(ctx, node), "unsupported YAML node");
}

function convertScalar(node: YamlNode & { value: unknown }, ctx: Context): YScalar {
  const loc = nodeLoc(ctx, node);
  const v = node.value;
  const out: YScalar = { kind: "scalar", value: null, loc };
  if (typeof v === "string" || typeof v === "boolean" || v === null || v === undefined) {
    out.value = v ?? null;
  } else if (typeof v === "number" || typeof v === "bigint") {
    out.value = Number(v);
    const [start, end] = node.range ?? [0, 0];
    out.source = ctx.text.slice(start, end);
  } else {
    out.value = String(v);
  }
  return out;
}

function convertAlias(node: Alias, ctx: Context): YNode {
  const target = node.resolve(ctx.doc);
  if (!target) throw new ParseFailure(nodeLoc(ctx, node), `unknown anchor *${node.source}`);
  return convert(target as YamlNode, ctx);
}

function convertMap(pairs: Pair[], loc: SourceLocation, ctx: Context): YMap {
  const map = newMap(loc);
  const merged: YMap[] = [];
  for (const pair of pairs) {
    const key = keyText(pair.key as YamlNode | null, loc, ctx);
    const value = pair.value
      ? convert(pair.value as YamlNode, ctx)
      : nullAt(pair.key as YamlNode, ctx);
    if (key === "<<") {
      merged.push(...mergeSources(value));
      continue;
    }
    map.entries.set(key, value);
    map.keyLocs.set(key, pair.key ? nodeLoc(ctx, pair.key as YamlNode) : loc);
  }
  applyMergeKeys(map, merged);
  return map;
}

function nullAt(key: YamlNode, ctx: Context): YScalar {
  const loc = nodeLoc(ctx, key);
  return { kind: "scalar", value: null, loc };
}

/** Keys are strings in Compose: `true:` and `1:` become "true" and "1". */
function keyText(key: YamlNode | null, loc: SourceLocation, ctx: Context): string {
  if (key === null) return "";
  if (isAlias(key)) return keyText(key.resolve(ctx.doc) as YamlNode, loc, ctx);
  if (!isYamlScalar(key))
    throw new ParseFailure(nodeLoc(ctx, key), "a mapping key must be a scalar");
  return key.value === null ? "" : String(key.value);
}

function mergeSources(value: YNode): YMap[] {
  if (value.kind === "map") return [value];
  if (value.kind === "seq" && value.items.every((i) => i.kind === "map")) {
    return value.items as YMap[];
  }
  throw new ParseFailure(value.loc, "a `<<` merge key must name a mapping or a list of mappings");
}

/** Keys written in the mapping win; among merged sources, the first one listing a key wins. */
function applyMergeKeys(map: YMap, sources: YMap[]): void {
  for (const source of sources) {
    for (const [k, v] of source.entries) {
      if (map.entries.has(k)) continue;
      map.entries.set(k, v);
      map.keyLocs.set(k, source.keyLocs.get(k) ?? v.loc);
    }
  }
}
