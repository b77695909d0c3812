import { dirname, resolve as resolvePath } from "node:path";
import type { Recipe, Service } from "../appcipe/types.js";
import { UserError } from "../util/errors.js";
import { silentProgress, type ProgressSink } from "../util/progress.js";
import { targetPlatform, type ResolvedImage } from "./image.js";
import { BlobCache } from "./blob-cache.js";
import { buildDockerfile, exportImage } from "./sources/docker-engine.js";
import { readImageFile } from "./sources/local-file.js";
import { pullImage } from "./sources/registry.js";

export interface ResolveOptions {
  progress?: ProgressSink;
  /** Registries (host[:port]) reached over plain http besides loopback ones. */
  insecureRegistries?: string[];
  /** A registry download that receives nothing for this long is retried (default 60 s). */
  idleTimeoutMs?: number;
  /** Where pulled blobs are cached (default: $XDG_CACHE_HOME/chefer/blobs). */
  cacheDir?: string;
}

/**
 * Finds the image of every service for one target: reads archives, pulls from registries,
 * exports from the Docker engine. A service without a platform gets the target's.
 */
export async function resolveImages(
  recipe: Recipe,
  target: string,
  options: ResolveOptions = {},
): Promise<Map<string, ResolvedImage>> {
  const progress = options.progress ?? silentProgress;
  const images = new Map<string, ResolvedImage>();
  const step = `resolve:${target}`;
  const total = recipe.services.length;
  progress({ kind: "step-start", step, label: "resolving images", total, unit: "items" });
  try {
    for (const service of recipe.services) {
      images.set(service.name, await resolveImage(recipe, service, target, options));
      progress({ kind: "step-progress", step, done: images.size, total });
    }
  } catch (error) {
    // The images resolved so far may hold temporary files (engine exports): free them.
    for (const image of images.values()) await image.dispose?.();
    throw error;
  }
  progress({ kind: "step-end", step, label: "images resolved" });
  return images;
}

/** The platform a service's image must have when built for `target`. */
export function servicePlatform(
  service: Service,
  target: string,
): Service["image"]["platform"] & string {
  const want = targetPlatform(target);
  const pinned = service.image.platform;
  if (pinned && pinned !== want) {
    throw new UserError(
      `service ${service.name} asks for platform ${pinned}, which target ${target} cannot run`,
      { fix: `remove the service's platform, or build only for the target that runs ${pinned}` },
    );
  }
  return want;
}

async function resolveImage(
  recipe: Recipe,
  service: Service,
  target: string,
  options: ResolveOptions,
): Promise<ResolvedImage> {
  const want = servicePlatform(service, target);
  const image = service.image;
  const base = dirname(recipe.file);
  const progress = options.progress ?? silentProgress;
  switch (image.source) {
    case "tar":
      return readImageFile(resolvePath(base, image.file), image.format, want);
    case "image": {
      const cache = new BlobCache(options.cacheDir);
      return pullImage(image.ref, want, { ...options, cache, progress });
    }
    case "docker":
      return exportImage(image.ref, want, progress);
    case "dockerfile": {
      const context = resolvePath(base, image.context);
      return buildDockerfile(service.name, { ...image, context }, want, progress);
    }
  }
}
