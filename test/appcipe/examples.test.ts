import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { loadRecipe, parseRecipe } from "../../src/appcipe/load.js";
import { renderRecipe } from "../../src/appcipe/write.js";
import { recipeTemplate } from "../../src/appcipe/template.js";
import { repoRoot } from "../support/cli.js";

for (const name of ["appcipe.yml", "appcipe_simple.yml"]) {
  test(`examples/${name} loads without warnings and survives a round trip`, () => {
    const { recipe, warnings } = loadRecipe(join(repoRoot, "examples", name));
    assert.deepEqual(warnings, []);
    const back = parseRecipe(renderRecipe(recipe), recipe.file);
    assert.ok(isDeepStrictEqual(back.recipe, recipe));
  });
}

test("the init template loads without problems", () => {
  const result = parseRecipe(recipeTemplate("MyApp"), join(repoRoot, "appcipe.yml"));
  assert.deepEqual(result.problems, []);
  assert.equal(result.recipe?.name, "MyApp");
});
