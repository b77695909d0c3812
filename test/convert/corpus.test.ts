import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseRecipe } from "../../src/appcipe/load.js";
import { convertProject } from "../../src/convert/index.js";
import { UserError } from "../../src/util/errors.js";
import { corpusDir, needShared } from "./support.js";

const COMPOSE_NAMES = /^(docker-)?compose\.ya?ml$/;

function composeFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) composeFiles(path, out);
    else if (COMPOSE_NAMES.test(name)) out.push(path);
  }
  return out;
}

type Outcome = "converted" | "located-error";

/** Converts one file: a recipe that passes the recipe loader, or errors that all have a location. */
function convertOne(file: string): Outcome {
  try {
    const result = convertProject({ files: [file], cwd: dirname(file), env: {} });
    const parsed = parseRecipe(result.text, result.recipe.file);
    const errors = parsed.problems.filter((p) => p.severity === "error");
    assert.deepEqual(errors, [], `${file}: the recipe fails chefer check`);
    return "converted";
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    assert.ok(error.problems.length > 0, `${file}: ${error.message} has no located problem`);
    for (const p of error.problems) assert.ok(p.location, `${file}: ${p.code} has no location`);
    return "located-error";
  }
}

test("every compose file of the corpus converts to a recipe that passes check, or fails with located errors", (t) => {
  if (!needShared(t, corpusDir)) return;
  const files = composeFiles(corpusDir);
  assert.ok(files.length >= 200, `only ${files.length} compose files found`);
  const outcomes = files.map(convertOne);
  const converted = outcomes.filter((o) => o === "converted").length;
  t.diagnostic(`${converted} of ${files.length} converted; the rest failed with located errors`);
  assert.ok(converted > files.length / 2, `only ${converted} of ${files.length} converted`);
});
