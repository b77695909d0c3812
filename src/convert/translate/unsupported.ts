/**
 * Walks the keys the user wrote and reports those the mapping table says are ignored (a
 * warning) or impossible (an error). Only written keys are visited, never defaults added by
 * normalization, and `x-` extensions are left alone as the spec says.
 */
import type { Diagnostics } from "../diagnostics.js";
import { hasChildRows, mappingRow, type MappingRow } from "../mapping-table.js";
import { isMap, isSeq, keyLoc, type YMap, type YNode } from "../node.js";

type Path = (string | number)[];

/** Reports every ignored or impossible key of the model. */
export function reportUnsupportedKeys(model: YMap, diags: Diagnostics): void {
  walkMap(model, "", [], diags);
}

function walkMap(map: YMap, pattern: string, path: Path, diags: Diagnostics): void {
  for (const [key, value] of map.entries) {
    if (key.startsWith("x-")) continue;
    const exact = pattern ? `${pattern}.${key}` : key;
    const rowKey =
      mappingRow(exact) || hasChildRows(exact) ? exact : pattern ? `${pattern}.*` : "*";
    const row = mappingRow(rowKey);
    if (row && reported(row, map, key, [...path, key], diags)) continue;
    descend(value, rowKey, [...path, key], diags);
  }
}

function descend(value: YNode, pattern: string, path: Path, diags: Diagnostics): void {
  if (!hasChildRows(pattern)) return;
  if (isMap(value)) walkMap(value, pattern, path, diags);
  if (isSeq(value)) {
    value.items.forEach((item, i) => {
      if (isMap(item)) walkMap(item, `${pattern}[]`, [...path, i], diags);
    });
  }
}

/** Errors about top-level resources are raised where a service uses them, not here. */
const ERRORS_AT_USE = new Set(["configs.*.external", "secrets.*.external"]);

function reported(
  row: MappingRow,
  map: YMap,
  key: string,
  path: Path,
  diags: Diagnostics,
): boolean {
  if (row.action !== "ignored" && row.action !== "error") return false;
  if (ERRORS_AT_USE.has(row.key)) return true;
  const d = { at: keyLoc(map, key), path, message: row.note, ...(row.fix ? { fix: row.fix } : {}) };
  if (row.action === "ignored")
    diags.warn({ code: "compose/ignored-key", ...d, message: `ignored: ${row.note}` });
  else
    diags.error({ code: "compose/unsupported-key", ...d, message: `not supported: ${row.note}` });
  return true;
}
