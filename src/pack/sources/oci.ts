import { checkImageConfig } from "../image-config.js";
import type { Readable } from "node:stream";
import type { Platform } from "../../appcipe/types.js";
import { UserError } from "../../util/errors.js";
import { decompressedStream } from "../decompress.js";
import { checkPlatform, type ImageConfigFile, type ResolvedImage } from "../image.js";
import type { ArchiveStore } from "./store.js";

export interface OciDescriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface OciIndex {
  mediaType?: string;
  manifests: OciDescriptor[];
}

export interface OciManifest {
  mediaType?: string;
  config: OciDescriptor;
  layers: OciDescriptor[];
}

/** Where the blobs of an OCI image come from: a layout, an archive or a registry. */
export interface BlobSource {
  origin: string;
  json<T>(d: OciDescriptor): Promise<T>;
  /** The blob's raw (possibly compressed) bytes. */
  open(d: OciDescriptor): Promise<Readable>;
}

/** True for an index or a Docker manifest list, whichever way it is marked. */
export function isIndex(doc: { mediaType?: string; manifests?: unknown }): doc is OciIndex {
  return Array.isArray(doc.manifests) || /index|manifest\.list/.test(doc.mediaType ?? "");
}

function describe(d: OciDescriptor): string {
  const p = d.platform;
  return p
    ? `${p.os ?? "?"}/${p.architecture ?? "?"}${p.variant ? `/${p.variant}` : ""}`
    : "unknown";
}

/** Attestations and signatures ride in indexes as unknown/unknown; they are not images. */
function isImageEntry(d: OciDescriptor): boolean {
  if (d.annotations?.["vnd.docker.reference.type"] === "attestation-manifest") return false;
  return !(d.platform?.os === "unknown" && d.platform?.architecture === "unknown");
}

/**
 * Picks the entry of an index for `want`. An entry without a platform (what skopeo and
 * `docker save` write for a single image) is taken when no entry names one; its config is
 * checked afterwards. Never falls back to another architecture.
 */
export function pickEntry(index: OciIndex, want: Platform, origin: string): OciDescriptor {
  const entries = index.manifests.filter(isImageEntry);
  const exact = entries.find((d) => `${d.platform?.os}/${d.platform?.architecture}` === want);
  if (exact) return exact;
  const unmarked = entries.find((d) => !d.platform);
  if (unmarked) return unmarked;
  const have = entries.map(describe).join(", ") || "none";
  throw new UserError(`${origin}: no image for ${want} (the index offers: ${have})`, {
    fix: `use an image published for ${want}, or build for the target whose platform it offers`,
  });
}

/** Walks from an index or manifest down to one image for `want` and describes its layers. */
export async function resolveOci(
  blobs: BlobSource,
  root: OciIndex | OciManifest,
  want: Platform,
): Promise<ResolvedImage> {
  let doc: OciIndex | OciManifest = root;
  for (let depth = 0; isIndex(doc); depth++) {
    if (depth > 4) throw new UserError(`${blobs.origin}: image indexes nest too deep`);
    doc = await blobs.json<OciIndex | OciManifest>(pickEntry(doc, want, blobs.origin));
  }
  return imageFromManifest(blobs, doc, want);
}

async function imageFromManifest(
  blobs: BlobSource,
  manifest: OciManifest,
  want: Platform,
): Promise<ResolvedImage> {
  if (!manifest.config || !Array.isArray(manifest.layers)) {
    throw new UserError(`${blobs.origin}: the image manifest has no config or layers`, {
      fix: "pass an OCI or Docker v2 image; schema 1 manifests are not supported",
    });
  }
  const config = checkImageConfig(await blobs.json<unknown>(manifest.config), blobs.origin);
  checkPlatform(config, want, blobs.origin);
  const diffIds = checkedDiffIds(config, manifest.layers.length, blobs.origin);
  return {
    origin: blobs.origin,
    platform: want,
    config,
    layers: manifest.layers.map((d, i) => ({
      diffId: diffIds[i] as string,
      size: d.size,
      blobDigest: d.digest,
      open: async () =>
        decompressedStream(await blobs.open(d), `${blobs.origin} layer ${d.digest}`),
    })),
  };
}

/** The config's diff_ids (checked digests, see checkImageConfig), one per layer. */
export function checkedDiffIds(config: ImageConfigFile, layers: number, origin: string): string[] {
  const ids = config.rootfs?.diff_ids ?? [];
  if (ids.length !== layers) {
    throw new UserError(
      `${origin}: the image config lists ${ids.length} diff_ids for ${layers} layers`,
      { fix: "export the image again; its config and manifest disagree" },
    );
  }
  return ids;
}

/** Blobs of an OCI layout or archive: `blobs/<algorithm>/<hex>`. */
export function layoutBlobs(store: ArchiveStore): BlobSource {
  const path = (d: OciDescriptor) => `blobs/${d.digest.replace(":", "/")}`;
  return {
    origin: store.where,
    json: (d) => store.readJson(path(d)),
    open: (d) => store.open(path(d)),
  };
}

/** Reads an OCI layout or OCI archive through its index.json. */
export async function readOciLayout(store: ArchiveStore, want: Platform): Promise<ResolvedImage> {
  const index = await store.readJson<OciIndex>("index.json");
  return resolveOci(layoutBlobs(store), index, want);
}
