import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Recipe } from "../appcipe/types.js";
import { findRuntime, type Target } from "../runtime/kit.js";
import type { ProgressSink } from "../util/progress.js";
import { diskError } from "./disk-errors.js";
import { buildExecutable } from "./index.js";
import type { WrittenExecutable } from "./executable.js";

export interface TargetsOptions {
  recipe: Recipe;
  targets: Target[];
  outDir: string;
  kitDirs: string[];
  zstdLevel?: number;
  progress?: ProgressSink;
  insecureRegistries?: string[];
  cacheDir?: string;
}

/** The path `chefer build` writes for a target: `<out>/<name>-<target>`. */
export function outputPath(outDir: string, name: string, target: Target): string {
  return join(resolve(outDir), `${name}-${target}`);
}

/**
 * Writes one executable per target. Every runtime is found before any work starts, so a
 * missing kit fails in a second, not after a long pull.
 */
export async function buildTargets(o: TargetsOptions): Promise<WrittenExecutable[]> {
  const runtimes = await Promise.all(o.targets.map((t) => findRuntime(t, o.kitDirs)));
  await mkdir(resolve(o.outDir), { recursive: true }).catch((error: unknown) => {
    throw diskError(error, {
      what: `the output directory ${resolve(o.outDir)}`,
      dir: dirname(resolve(o.outDir)),
      elsewhere: "choose another one with --out DIR",
    });
  });
  const built: WrittenExecutable[] = [];
  for (const [i, target] of o.targets.entries()) {
    built.push(
      await buildExecutable({
        recipe: o.recipe,
        target,
        runtime: runtimes[i] as string,
        out: outputPath(o.outDir, o.recipe.name, target),
        zstdLevel: o.zstdLevel,
        progress: o.progress,
        insecureRegistries: o.insecureRegistries,
        cacheDir: o.cacheDir,
      }),
    );
  }
  return built;
}
