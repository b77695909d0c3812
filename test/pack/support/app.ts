import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { plainRecipe, plainService } from "../../../src/pack/index.js";
import type { Service } from "../../../src/appcipe/types.js";
import { makeImage, ociLayoutFiles, tarOf, type LayerFiles, type TestImage } from "./images.js";

export interface TestApp {
  dir: string;
  recipeFile: string;
  kitDir: string;
  /** The linux/amd64 image; `armImage` is the linux/arm64 one. */
  image: TestImage;
  armImage: TestImage;
}

/**
 * A directory holding a two-platform OCI archive, a JSON recipe using it and a kit whose "runtime" is
 * a small shell script: enough for `chefer build` and `chefer inspect` without native/.
 */
export async function writeTestApp(
  layers: LayerFiles[] = [{ "bin/a": "alpha" }, { "etc/b": "beta" }],
  service: Partial<Service> = {},
): Promise<TestApp> {
  const dir = await mkdtemp(join(tmpdir(), "chefer-app-"));
  const image = await makeImage(layers, { compression: "gzip" });
  const armImage = await makeImage([...layers, { arm: "64" }], { arch: "arm64" });
  await writeFile(
    join(dir, "img.tar"),
    await tarOf(ociLayoutFiles([image, armImage], { index: true })),
  );
  const recipe = plainRecipe(
    "demo",
    [plainService("web", { source: "tar", file: "img.tar", format: "auto" }, service)],
    { file: join(dir, "appcipe.yml") },
  );
  const recipeFile = join(dir, "recipe.json");
  await writeFile(recipeFile, JSON.stringify(recipe));
  const kitDir = join(dir, "kit");
  await mkdir(kitDir);
  for (const t of ["x86_64-linux", "aarch64-linux"]) {
    await writeFile(join(kitDir, `chefer-runtime-${t}`), "#!/bin/sh\necho runtime\n");
  }
  return { dir, recipeFile, kitDir, image, armImage };
}
