/**
 * Packs one recipe in a fresh process and prints what it cost as JSON on stdout, so the
 * parent can read this process's peak memory. Usage: pack-once.ts <recipe.json> <runtime> <out> [level]
 */
import { readFileSync } from "node:fs";
import { buildExecutable } from "../src/pack/index.js";
import type { Recipe } from "../src/appcipe/types.js";

const [recipeFile, runtime, out, level] = process.argv.slice(2) as [
  string,
  string,
  string,
  string?,
];
const recipe = JSON.parse(readFileSync(recipeFile, "utf8")) as Recipe;
const start = process.hrtime.bigint();
const built = await buildExecutable({
  recipe,
  target: process.arch === "arm64" ? "aarch64-linux" : "x86_64-linux",
  runtime,
  out,
  zstdLevel: level ? Number(level) : undefined,
});
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const usize = built.manifest.blobs.reduce((n, b) => n + b.usize, 0);
const maxRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`${JSON.stringify({ seconds, usize, size: built.size, maxRssMiB })}\n`);
