import { stat } from "node:fs/promises";
import type { ImageFormat, Platform } from "../../appcipe/types.js";
import { UserError } from "../../util/errors.js";
import type { ResolvedImage } from "../image.js";
import { readDockerArchive } from "./docker-archive.js";
import { readOciLayout } from "./oci.js";
import { dirStore, tarStore, type ArchiveStore } from "./store.js";

/**
 * Opens an image file on the build machine: a `docker save` archive, an OCI archive (a tar
 * of a layout) or an OCI layout directory. `auto` looks inside: manifest.json means a docker
 * archive, index.json an OCI one.
 */
export async function readImageFile(
  path: string,
  format: ImageFormat,
  want: Platform,
  ref?: string,
): Promise<ResolvedImage> {
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new UserError(`${path}: no such image file or directory`, {
      fix: "create it with `docker save -o <file> <image>` or correct the path in the recipe",
    });
  }
  const store = info.isDirectory() ? dirStore(path) : await tarStore(path);
  const kind = format === "auto" ? await detectFormat(store) : format;
  if (kind === "docker-archive") return readDockerArchive(store, want, ref);
  return readOciLayout(store, want);
}

async function detectFormat(store: ArchiveStore): Promise<Exclude<ImageFormat, "auto">> {
  if (await store.has("manifest.json")) return "docker-archive";
  if (await store.has("index.json")) return "oci-layout";
  throw new UserError(`${store.where}: not an image archive (no manifest.json or index.json)`, {
    fix: "pass a `docker save` archive, an OCI archive or an OCI layout directory",
  });
}
