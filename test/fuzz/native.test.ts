/**
 * The runtime's parsers under libFuzzer: every seed and regression input replays without a
 * crash, each target fuzzes for a bounded time (CHEFER_FUZZ_SECONDS, default 10), and the
 * tar target's watch for writes outside the root fires when something does escape.
 */
import { test, before, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  TARGETS,
  buildFuzzers,
  crashSummary,
  dictionary,
  fuzzDir,
  inputDirs,
  missingToolchain,
  runFuzzer,
  type Target,
} from "./libfuzzer.js";
import { listSeeds, seedSets } from "./native-seeds.js";

const SECONDS = Number(process.env.CHEFER_FUZZ_SECONDS ?? 10);
/** Tar seeds hold several 512-byte blocks; the others fit libFuzzer's default length. */
const MAX_LEN: Partial<Record<Target, number>> = { tar: 16384 };

const unavailable = missingToolchain();

before(() => {
  if (unavailable !== undefined) return;
  const failure = buildFuzzers();
  assert.equal(failure, undefined, `make -C native -f fuzz.mk failed:\n${failure}`);
});

function needFuzzers(t: TestContext): boolean {
  if (unavailable === undefined) return true;
  t.skip(unavailable);
  return false;
}

/** A scratch directory for one run; the caller removes it once the run passed, so a crash's
 * reproducer survives for the regression corpus. */
function workDir(target: Target): string {
  return mkdtempSync(join(tmpdir(), `chefer-fuzz-${target}-`));
}

test("the committed seed corpora are exactly what native-seeds.ts generates", () => {
  for (const [target, make] of Object.entries(seedSets)) {
    const seeds = make();
    assert.deepEqual(listSeeds(join(fuzzDir, "corpus"), target), [...seeds.keys()].sort());
    for (const [name, data] of seeds) {
      const committed = readFileSync(join(fuzzDir, "corpus", target, name));
      assert.ok(committed.equals(data), `corpus/${target}/${name} differs; regenerate it`);
    }
  }
});

for (const target of TARGETS) {
  test(`fuzz-${target} replays its seeds and regression inputs without a crash`, async (t) => {
    if (!needFuzzers(t)) return;
    const dir = workDir(target);
    const env = { CHEFER_FUZZ_SCRATCH: dir };
    const run = await runFuzzer(target, ["-runs=0", ...inputDirs(target)], env);
    assert.equal(run.code, 0, `an input crashes fuzz-${target}:\n${crashSummary(run.output)}`);
    rmSync(dir, { recursive: true, force: true });
  });
}

for (const target of TARGETS) {
  test(
    `fuzz-${target} finds no crash in ${SECONDS} seconds`,
    { timeout: (SECONDS + 60) * 1000 },
    async (t) => {
      if (!needFuzzers(t)) return;
      const dir = workDir(target);
      const args = [
        `-max_total_time=${SECONDS}`,
        "-timeout=10",
        `-dict=${dictionary(target)}`,
        `-artifact_prefix=${dir}/`,
        ...(MAX_LEN[target] ? [`-max_len=${MAX_LEN[target]}`] : []),
        dir,
        ...inputDirs(target),
      ];
      const run = await runFuzzer(target, args, { CHEFER_FUZZ_SCRATCH: dir });
      assert.equal(
        run.code,
        0,
        `fuzz-${target} crashed; the reproducer is in ${dir}: copy it to ` +
          `native/fuzz/regressions/${target}/ and see docs/fuzzing.md\n${crashSummary(run.output)}`,
      );
      rmSync(dir, { recursive: true, force: true });
    },
  );
}

test("fuzz-tar aborts when an input leaves a file outside the root", async (t) => {
  if (!needFuzzers(t)) return;
  const dir = mkdtempSync(join(tmpdir(), "chefer-fuzz-selftest-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const seed = join(fuzzDir, "corpus", "tar", "ordinary.tar");
  const env = { CHEFER_FUZZ_SCRATCH: dir, CHEFER_FUZZ_SELF_TEST: "escape" };
  const run = await runFuzzer("tar", [`-artifact_prefix=${dir}/`, seed], env);
  assert.notEqual(run.code, 0);
  assert.match(run.output, /extraction wrote "escaped" outside the root/);
});
