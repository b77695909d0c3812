import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit } from "yaml";
import type { Document, Node, Pair } from "yaml";
import type { Problem, SourceLocation } from "../util/errors.js";

/** A step in a YAML path: a map key or a sequence index. */
export type Segment = string | number;

/** A parsed recipe file that can say where any value in it sits. */
export interface SourceFile {
  /** The path as shown to the user (as given on the command line). */
  display: string;
  data: unknown;
  locate: (path: Segment[], options?: { key?: boolean }) => SourceLocation;
  /** The exact text of a scalar as written, e.g. `0644` before YAML reads it as a number. */
  rawText: (path: Segment[]) => string | undefined;
  /** YAML syntax errors; when there are any, `data` is not to be trusted. */
  syntaxProblems: Problem[];
}

/** Parses YAML text, keeping every node's position (YAML 1.2, `<<` merge keys allowed). */
export function parseSource(text: string, display: string): SourceFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    merge: true,
    uniqueKeys: true,
    prettyErrors: false,
  });
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file: display, line: pos.line, col: pos.col };
  };
  const errors = doc.errors.map((e) => ({ pos: e.pos[0], message: e.message }));
  const data = errors.length > 0 ? undefined : toData(doc, errors);
  return {
    display,
    data,
    locate: (path, options = {}) => at(offsetOf(doc, path, options.key ?? false)),
    rawText: (path) => rawText(doc, text, path),
    syntaxProblems: errors.map((e) => ({
      code: "recipe/yaml-syntax",
      severity: "error",
      location: at(e.pos),
      message: e.message.split("\n")[0] ?? e.message,
      fix: "correct the YAML syntax at this position",
    })),
  };
}

/**
 * toJS throws for an alias before its anchor, an alias bomb (ReferenceError) and a `<<` merge
 * of something that is not a map (Error); each points at the first alias or merge key.
 */
function toData(doc: Document, errors: { pos: number; message: string }[]): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const merge = error.message.startsWith("Merge");
    let pos = 0;
    visit(doc, {
      Alias: (_, node) => (merge ? undefined : ((pos = node.range?.[0] ?? 0), visit.BREAK)),
      Pair: (_, pair) =>
        merge && isScalar(pair.key) && pair.key.source === "<<"
          ? ((pos = pair.key.range?.[0] ?? 0), visit.BREAK)
          : undefined,
    });
    errors.push({ pos, message: error.message });
    return undefined;
  }
}

interface Found {
  node: Node | null;
  pair?: Pair;
}

/** Walks as far down the path as the document goes; missing steps fall back to the parent. */
function walk(doc: Document, path: Segment[]): Found[] {
  const trail: Found[] = [{ node: doc.contents as Node | null }];
  for (const seg of path) {
    const next = step(doc, trail[trail.length - 1]?.node ?? null, seg);
    if (!next) break;
    trail.push(next);
  }
  return trail;
}

function step(doc: Document, node: Node | null, seg: Segment): Found | undefined {
  const resolved = isAlias(node) ? ((node.resolve(doc) as Node | undefined) ?? null) : node;
  if (isSeq(resolved) && typeof seg === "number") {
    const item = resolved.items[seg];
    return item === undefined ? undefined : { node: item as Node };
  }
  if (!isMap(resolved)) return undefined;
  const pair = resolved.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
  return pair ? { node: (pair.value as Node | null) ?? (pair.key as Node), pair } : undefined;
}

function offsetOf(doc: Document, path: Segment[], key: boolean): number {
  const trail = walk(doc, path);
  const last = trail[trail.length - 1] as Found;
  const complete = trail.length === path.length + 1;
  const target = key && complete && last.pair ? (last.pair.key as Node) : last.node;
  return target?.range?.[0] ?? 0;
}

function rawText(doc: Document, text: string, path: Segment[]): string | undefined {
  const trail = walk(doc, path);
  if (trail.length !== path.length + 1) return undefined;
  const node = trail[trail.length - 1]?.node;
  if (!isScalar(node) || !node.range) return undefined;
  return text.slice(node.range[0], node.range[1]).trim();
}
