import { checkImageConfig } from "../image-config.js";
import type { Platform } from "../../appcipe/types.js";
import { UserError } from "../../util/errors.js";
import { decompressedStream } from "../decompress.js";
import { checkPlatform, type ResolvedImage } from "../image.js";
import { checkedDiffIds } from "./oci.js";
import type { ArchiveStore } from "./store.js";

/** One entry of a `docker save` manifest.json. */
interface SavedImage {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/**
 * Reads a `docker save` archive (the legacy `<id>/layer.tar` form and the OCI-shaped form
 * Docker 25+ writes both list their layers in manifest.json). With several images in one
 * archive, `ref` picks one by tag; without it the archive must hold exactly one.
 */
export async function readDockerArchive(
  store: ArchiveStore,
  want: Platform,
  ref?: string,
): Promise<ResolvedImage> {
  const saved = pickSaved(await store.readJson<unknown>("manifest.json"), store.where, ref);
  const config = checkImageConfig(await store.readJson<unknown>(saved.Config), store.where);
  checkPlatform(config, want, store.where);
  const diffIds = checkedDiffIds(config, saved.Layers.length, store.where);
  return {
    origin: store.where,
    platform: want,
    config,
    layers: await Promise.all(
      saved.Layers.map(async (path, i) => ({
        diffId: diffIds[i] as string,
        size: await store.size(path),
        open: async () => decompressedStream(await store.open(path), `${store.where}: ${path}`),
      })),
    ),
  };
}

/** An entry of manifest.json, once its fields have the types `docker save` writes. */
function isSaved(s: unknown): s is SavedImage {
  const o = s as Record<string, unknown>;
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
  return (
    typeof s === "object" &&
    s !== null &&
    typeof o.Config === "string" &&
    strings(o.Layers) &&
    (o.RepoTags === undefined || o.RepoTags === null || strings(o.RepoTags))
  );
}

function pickSaved(list: unknown, where: string, ref?: string): SavedImage {
  const fix = "save the image again with `docker save -o file.tar <image>`";
  if (!Array.isArray(list) || list.length === 0)
    throw new UserError(`${where}: manifest.json lists no image`, { fix });
  if (!list.every(isSaved))
    throw new UserError(
      `${where}: manifest.json is malformed: each image needs a Config path and a list of Layers paths`,
      { fix },
    );
  if (ref) {
    const hit = list.find((s) => s.RepoTags?.includes(ref));
    if (hit) return hit;
    throw new UserError(`${where}: the archive holds no image tagged ${ref}`, {
      fix: `use one of: ${list.flatMap((s) => s.RepoTags ?? []).join(", ") || "(untagged images)"}`,
    });
  }
  // TODO(limitation): a recipe cannot name one image of a multi-image archive yet.
  if (list.length > 1) {
    throw new UserError(`${where}: the archive holds ${list.length} images; chefer needs one`, {
      fix: "save one image per archive: `docker save -o file.tar <image>`",
    });
  }
  return list[0] as SavedImage;
}
