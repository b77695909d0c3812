import { dirname } from "node:path";
import { Document } from "yaml";
import { flowSeq, quoted } from "./yaml-nodes.js";
import type { Recipe } from "./types.js";
import { renderService } from "./write-service.js";

export interface RenderOptions {
  /** Comment lines put at the top of the file, without the leading `#`. */
  header?: string[];
  /** Build-machine paths under this directory are written relative to it (default: the recipe's directory). */
  baseDir?: string;
}

/**
 * Writes a recipe as canonical YAML: fixed key order, short forms wherever they are exact,
 * defaults left out. `loadRecipe` reads the text back to an equal recipe.
 */
export function renderRecipe(recipe: Recipe, options: RenderOptions = {}): string {
  const baseDir = options.baseDir ?? (recipe.file ? dirname(recipe.file) : process.cwd());
  const doc = new Document(recipeNode(recipe, baseDir));
  if (options.header && options.header.length > 0) {
    doc.commentBefore = options.header.map((line) => (line ? ` ${line}` : "")).join("\n");
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function recipeNode(recipe: Recipe, baseDir: string): Record<string, unknown> {
  const out: Record<string, unknown> = { version: quoted(recipe.version), name: recipe.name };
  if (recipe.appVersion !== undefined) out.app_version = quoted(recipe.appVersion);
  if (recipe.dataDir !== undefined) out.data_dir = recipe.dataDir;
  if (recipe.oldNames.length > 0) out.old_names = flowSeq(recipe.oldNames);
  out.network = recipe.network;
  if (recipe.console !== "auto") out.console = recipe.console;
  const volumes = Object.keys(recipe.volumes).sort();
  if (volumes.length > 0) out.volumes = Object.fromEntries(volumes.map((v) => [v, {}]));
  out.services = Object.fromEntries(
    [...recipe.services]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => [s.name, renderService(s, baseDir)]),
  );
  return out;
}
