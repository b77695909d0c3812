// Writes docs/compose-mapping.md from the converter's mapping table.
// Run: npx tsx scripts/gen-compose-mapping.ts
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderMappingDoc } from "../src/convert/mapping-doc.js";

const target = fileURLToPath(new URL("../docs/compose-mapping.md", import.meta.url));
writeFileSync(target, renderMappingDoc());
process.stderr.write(`wrote ${target}\n`);
