#!/usr/bin/env node
// Finds every *.test.ts under test/ and src/ and runs them with node's test runner through tsx.
// Node 20's runner has no glob support, hence this small walker. Arguments narrow the set:
// `node scripts/run-tests.mjs pack` runs only files whose path contains "pack".
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "fixtures" || name === "golden") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith(".test.ts") || name.endsWith(".test.tsx")) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [...walk("test", []), ...walk("src", [])]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
const concurrency = process.env.CHEFER_TEST_CONCURRENCY ?? "2";
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
