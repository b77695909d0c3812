import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestContext } from "node:test";
import {
  convertProject,
  type ConvertOptions,
  type ConvertResult,
} from "../../src/convert/index.js";
import { UserError, type Problem } from "../../src/util/errors.js";

export const sharedDir = fileURLToPath(new URL("../../../shared", import.meta.url));
export const fixturesDir = join(sharedDir, "compose-fixtures", "compose-go");
export const corpusDir = join(sharedDir, "compose-corpus");

/** Skips the test with a reason when ../shared is not there. */
export function needShared(t: TestContext, dir: string = sharedDir): boolean {
  if (existsSync(dir)) return true;
  t.skip(`${dir} is not present`);
  return false;
}

/** A temporary project directory holding the given files; removed after the test. */
export function project(t: TestContext, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "chefer-convert-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Converts in a directory with a clean environment unless one is given. */
export function convertIn(dir: string, options: ConvertOptions = {}): ConvertResult {
  return convertProject({ cwd: dir, env: {}, ...options });
}

/** The problems a conversion fails with; throws if it succeeds. */
export function conversionErrors(dir: string, options: ConvertOptions = {}): Problem[] {
  try {
    convertIn(dir, options);
  } catch (error) {
    if (error instanceof UserError) return error.problems.filter((p) => p.severity === "error");
    throw error;
  }
  throw new Error("the conversion succeeded");
}

/** The codes of a list of diagnostics. */
export function codes(problems: Problem[]): string[] {
  return problems.map((p) => p.code);
}
