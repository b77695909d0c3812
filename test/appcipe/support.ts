import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import assert from "node:assert/strict";
import { parseRecipe, type ParseResult } from "../../src/appcipe/load.js";
import type { Problem } from "../../src/util/errors.js";
import type { Recipe } from "../../src/appcipe/types.js";

/** A fresh directory holding the given files (path -> content). */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "chefer-appcipe-"));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** Parses recipe text as if it were `<dir>/appcipe.yml`, reported as `appcipe.yml`. */
export function parse(
  text: string,
  files: Record<string, string> = {},
): ParseResult & { dir: string } {
  const dir = tempDir(files);
  return { ...parseRecipe(text, join(dir, "appcipe.yml"), "appcipe.yml"), dir };
}

/** Parses text that must be valid, and returns the recipe. */
export function load(text: string, files: Record<string, string> = {}): Recipe & { dir: string } {
  const result = parse(text, files);
  const errors = result.problems.filter((p) => p.severity === "error");
  assert.deepEqual(errors, [], "expected no errors");
  assert.ok(result.recipe);
  return { ...result.recipe, dir: result.dir };
}

/** The one error with this code; fails when there is none or several. */
export function theError(result: ParseResult, code: string): Problem {
  const found = result.problems.filter((p) => p.code === code && p.severity === "error");
  assert.equal(
    found.length,
    1,
    `expected one ${code}, got: ${JSON.stringify(result.problems, null, 2)}`,
  );
  return found[0] as Problem;
}

/** `line:col` of a problem, for compact location assertions. */
export function at(p: Problem): string {
  return `${p.location?.line}:${p.location?.col}`;
}

/** Compares text with a golden file; UPDATE_GOLDEN=1 rewrites the file instead. */
export function assertGolden(actual: string, name: string): void {
  const file = new URL(`../golden/appcipe/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) {
    writeFileSync(file, actual);
    if (process.env.UPDATE_GOLDEN !== "1")
      assert.fail(`golden file ${name} was missing and has been written; run again`);
    return;
  }
  assert.equal(actual, readFileSync(file, "utf8"));
}
