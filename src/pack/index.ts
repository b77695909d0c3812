/**
 * The packer: turns a recipe and its images into one executable per target
 * (docs/format.md is the file format). Programmatic use, e.g. from tests:
 *
 * ```ts
 * import { buildExecutable, plainRecipe, plainService } from "../src/pack/index.js";
 * const recipe = plainRecipe("demo", [
 *   plainService("web", { source: "tar", file: "/tmp/web.tar", format: "auto" }, {
 *     cmd: { argv: ["/bin/busybox", "httpd", "-f"] },
 *   }),
 * ]);
 * const { path, manifest } = await buildExecutable({
 *   recipe, target: "x86_64-linux", runtime: "kit/chefer-runtime-x86_64-linux", out: "/tmp/demo",
 * });
 * ```
 *
 * `images` skips image resolution: pass already-resolved images by service name, e.g. from
 * `readImageFile(path, "auto", "linux/amd64")` (a `docker save` tar, an OCI archive or an OCI
 * layout, gzip/zstd/plain layers) to pack an image built with tar-stream or `docker save`.
 * `readExecutable(path)` reads back the footer and manifest without extracting anything.
 */
import type { Recipe } from "../appcipe/types.js";
import { CHEFER_VERSION } from "../version.js";
import type { ProgressSink } from "../util/progress.js";
import { writeExecutable, type WrittenExecutable } from "./executable.js";
import type { ResolvedImage } from "./image.js";
import { resolveImages, type ResolveOptions } from "./resolve.js";

export { CHUNK_SIZE } from "./blob-writer.js";
export { FOOTER_SIZE, FORMAT_VERSION, decodeFooter, encodeFooter, type Footer } from "./footer.js";
export type { Manifest, ManifestBlob, ManifestService } from "./manifest.js";
export type { ImageLayer, ResolvedImage, ImageConfigFile } from "./image.js";
export { readImageFile } from "./sources/local-file.js";
export { resolveImages } from "./resolve.js";
export { plainRecipe, plainService } from "./recipe-helpers.js";
export { readExecutable, type ExecutableInfo } from "./inspect.js";
export type { WrittenExecutable } from "./executable.js";

/**
 * The zstd level used when none is given. Measured on 2 cores packing 256 MiB of /usr
 * (binaries and libraries): level 1 packs at 206 MiB/s to 35%, 3 at 121 MiB/s to 32%, 6 at
 * 54 MiB/s to 30%, 9 at 31 MiB/s to 29%. Past 3 each step costs twice the time for 2%.
 */
export const DEFAULT_ZSTD_LEVEL = 3;

export interface BuildOptions extends ResolveOptions {
  recipe: Recipe;
  /** `x86_64-linux` or `aarch64-linux`. */
  target: string;
  /** Path of the runtime binary for the target (any file works for format-only tests). */
  runtime: string;
  /** Path of the executable to write. */
  out: string;
  /** zstd level 1..22. */
  zstdLevel?: number;
  /** Already-resolved images by service name; services missing here are resolved. */
  images?: Map<string, ResolvedImage>;
  progress?: ProgressSink;
  /** Frames compressed at once. */
  inFlight?: number;
}

/** Resolves every service's image (unless given) and writes one executable for one target. */
export async function buildExecutable(o: BuildOptions): Promise<WrittenExecutable> {
  const images = new Map(o.images ?? []);
  const missing = o.recipe.services.filter((s) => !images.has(s.name));
  if (missing.length > 0) {
    const partial = { ...o.recipe, services: missing };
    for (const [name, image] of await resolveImages(partial, o.target, o)) images.set(name, image);
  }
  try {
    return await writeExecutable({
      recipe: o.recipe,
      target: o.target,
      runtime: o.runtime,
      out: o.out,
      images,
      zstdLevel: o.zstdLevel ?? DEFAULT_ZSTD_LEVEL,
      builder: `chefer ${CHEFER_VERSION}`,
      progress: o.progress,
      inFlight: o.inFlight,
    });
  } finally {
    for (const image of images.values()) await image.dispose?.();
  }
}
