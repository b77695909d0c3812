/**
 * Phase 3a: `include`. Each entry is loaded as a project of its own (its own directory and
 * `.env`, under the including project's environment), then its services and resources are
 * copied in. A local definition with the same name is merged on top of the included one.
 */
import { dirname, resolve } from "node:path";
import type { Diagnostics } from "./diagnostics.js";
import { mergeProject } from "./merge.js";
import { isMap, isScalar, isSeq, newMap, text, type YMap, type YNode } from "./node.js";

export interface IncludeEntry {
  files: string[];
  projectDir: string;
  envFiles?: string[];
  at: YNode;
}

export interface IncludeContext {
  diags: Diagnostics;
  /** Loads an included project fully; undefined when it failed (errors already reported). */
  loadIncluded: (entry: IncludeEntry) => YMap | undefined;
}

/** Replaces the `include` of a file's model with the included definitions, merged under it. */
export function applyInclude(model: YMap, dir: string, ctx: IncludeContext): YMap {
  const include = model.entries.get("include");
  if (!include) return model;
  model.entries.delete("include");
  let base = newMap(model.loc);
  for (const entry of includeEntries(include, dir, ctx.diags)) {
    const loaded = ctx.loadIncluded(entry);
    if (loaded) base = mergeProject(base, loaded);
  }
  return mergeProject(base, model);
}

function includeEntries(node: YNode, dir: string, diags: Diagnostics): IncludeEntry[] {
  if (!isSeq(node)) {
    diags.error({
      code: "compose/include-invalid",
      at: node.loc,
      path: ["include"],
      message: "include must be a list",
      fix: "write include: [path/to/compose.yaml]",
    });
    return [];
  }
  return node.items.flatMap((item) => {
    const entry = toEntry(item, dir);
    if (entry) return [entry];
    diags.error({
      code: "compose/include-invalid",
      at: item.loc,
      path: ["include"],
      message: "an include entry must be a path or a mapping with path",
      fix: "write - path: other/compose.yaml",
    });
    return [];
  });
}

// TODO(limitation): remote includes (git URLs, oci://) are not fetched; they fail as a
// missing file. Check the project out locally and include its path.
function toEntry(item: YNode, dir: string): IncludeEntry | undefined {
  if (isScalar(item)) {
    const file = text(item);
    return file
      ? { files: [resolve(dir, file)], projectDir: dirname(resolve(dir, file)), at: item }
      : undefined;
  }
  if (!isMap(item)) return undefined;
  const files = stringList(item.entries.get("path")).map((f) => resolve(dir, f));
  if (files.length === 0) return undefined;
  const pd = text(item.entries.get("project_directory"));
  const envFiles = stringList(item.entries.get("env_file")).map((f) => resolve(dir, f));
  const entry: IncludeEntry = {
    files,
    projectDir: pd ? resolve(dir, pd) : dirname(files[0] as string),
    at: item,
  };
  if (envFiles.length) entry.envFiles = envFiles;
  return entry;
}

function stringList(node: YNode | undefined): string[] {
  if (isScalar(node)) return text(node) ? [text(node) as string] : [];
  if (isSeq(node)) return node.items.map(text).filter((s): s is string => Boolean(s));
  return [];
}
