/**
 * The compose loader and the recipe parser under a seeded mutation fuzzer: mutated inputs
 * may be refused, but only with a UserError whose problems say where, never with a bug, and
 * never by hanging. CHEFER_FUZZ_ITERATIONS and CHEFER_FUZZ_SEED change the run; a failure
 * names the seed and keeps the input, which then belongs in test/fuzz/regressions/<kind>/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runTarget, seedFiles, type Kind } from "./targets.js";
import { runFuzz, type Finding } from "./ts-fuzz.js";

const SEED = Number(process.env.CHEFER_FUZZ_SEED ?? 20261203);
const ITERATIONS: Record<Kind, number> = {
  recipe: Number(process.env.CHEFER_FUZZ_ITERATIONS ?? 3000),
  compose: Number(process.env.CHEFER_FUZZ_ITERATIONS ?? 2000),
};
/** Generous: the machine is shared with the native fuzzers; a real hang takes forever. */
const INPUT_MS = 10_000;
const regressions = new URL("./regressions/", import.meta.url).pathname;

function describe(findings: Finding[]): string {
  return findings
    .slice(0, 5)
    .map((f) => `input ${f.iteration} (kept in ${f.file}):\n${f.what}`)
    .join("\n\n");
}

for (const kind of ["recipe", "compose"] as const) {
  test(`mutated ${kind} files are refused with located problems, never a bug or a hang`, async () => {
    const dir = mkdtempSync(join(tmpdir(), `chefer-fuzz-${kind}-`));
    const seeds = seedFiles(kind);
    assert.ok(seeds.length > 0, `no ${kind} seeds found`);
    const job = { kind, seeds, iterations: ITERATIONS[kind], seed: SEED, dir };
    const report = await runFuzz(job, INPUT_MS);
    assert.equal(report.iterations, ITERATIONS[kind]);
    assert.deepEqual(report.bugs, [], `bugs with seed ${SEED}:\n${describe(report.bugs)}`);
    assert.deepEqual(report.unlocated, [], `unlocated problems:\n${describe(report.unlocated)}`);
    // A fuzzer whose every input is refused, or accepted, explores one side only.
    assert.ok(report.rejected > 0 && report.rejected < report.iterations);
    rmSync(dir, { recursive: true, force: true });
  });

  test(`every ${kind} regression input is refused with located problems`, () => {
    const dir = mkdtempSync(join(tmpdir(), `chefer-fuzz-${kind}-`));
    try {
      for (const name of readdirSync(join(regressions, kind)).sort()) {
        const data = readFileSync(join(regressions, kind, name));
        const problems = runTarget(kind, data, dir);
        assert.ok(problems.length > 0, `${name} is accepted`);
        for (const p of problems) assert.ok(p.location ?? p.path, `${name}: ${p.message}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
