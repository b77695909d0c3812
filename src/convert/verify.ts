/**
 * The last phase: the recipe is rendered and read back with the recipe loader, exactly as
 * `chefer check` will read it. Anything the loader rejects becomes an error at the compose
 * service it comes from, so a conversion never writes a recipe that fails `chefer check`.
 */
import { parseRecipe } from "../appcipe/load.js";
import type { Recipe } from "../appcipe/types.js";
import type { SourceLocation } from "../util/errors.js";
import type { Diagnostics } from "./diagnostics.js";
import { isMap, keyLoc, type YMap } from "./node.js";
import { recipeText } from "./output.js";

/** Returns the recipe's text: what gets written when there is no error. */
export function verifyRecipe(
  recipe: Recipe,
  files: string[],
  model: YMap,
  diags: Diagnostics,
): string {
  const text = recipeText(recipe, files);
  const parsed = parseRecipe(text, recipe.file);
  for (const p of parsed.problems) {
    if (p.severity !== "error") continue;
    const path = p.path ?? "";
    diags.error({
      code: "compose/recipe-check",
      at: locate(path, model, files[0] as string),
      message: `the converted recipe would fail chefer check: ${p.message}${path ? ` (at ${path})` : ""}`,
      fix: p.fix ?? "change the compose file so the value is valid",
    });
  }
  return text;
}

/** The compose service a recipe path such as `services.web.aliases[0]` comes from. */
function locate(path: string, model: YMap, file: string): SourceLocation {
  const service = /^services\.([^.[]+)/.exec(path)?.[1];
  const services = model.entries.get("services");
  if (service && isMap(services) && services.entries.has(service)) return keyLoc(services, service);
  return { file, line: 1, col: 1 };
}
