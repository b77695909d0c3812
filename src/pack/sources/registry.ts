import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import type { Platform } from "../../appcipe/types.js";
import { EnvironmentError, UserError } from "../../util/errors.js";
import { silentProgress, type ProgressSink } from "../../util/progress.js";
import { BlobCache } from "../blob-cache.js";
import type { ResolvedImage } from "../image.js";
import {
  resolveOci,
  type BlobSource,
  type OciDescriptor,
  type OciIndex,
  type OciManifest,
} from "./oci.js";
import { parseRegistryRef } from "./reference.js";
import { downloadBlob, type BlobRequest } from "./blob-download.js";
import { RegistryClient, type ClientOptions } from "./registry-client.js";

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

/** Downloads at once; registries throttle more than this and the disk gains nothing. */
const PARALLEL_DOWNLOADS = 3;

export interface PullOptions extends ClientOptions {
  cache?: BlobCache;
  progress?: ProgressSink;
}

/**
 * Pulls an image from a registry into the blob cache and describes it. Every manifest,
 * config and layer is checked against its digest before it is used; blobs already in the
 * cache are not downloaded again.
 */
export async function pullImage(
  text: string,
  want: Platform,
  o: PullOptions = {},
): Promise<ResolvedImage> {
  const ref = parseRegistryRef(text);
  const client = new RegistryClient(ref, o);
  const cache = o.cache ?? new BlobCache();
  const progress = o.progress ?? silentProgress;
  const blobs = registryBlobs(client, cache, progress);
  const root = await rootManifest(client, cache, progress);
  const image = await resolveOci(blobs, root, want);
  await downloadLayers(client, cache, image, progress);
  return image;
}

function isManifest(d: OciDescriptor): boolean {
  return /manifest|index/.test(d.mediaType ?? "");
}

function registryBlobs(
  client: RegistryClient,
  cache: BlobCache,
  progress: ProgressSink,
): BlobSource {
  const fetchOnce = async (d: OciDescriptor) => {
    if (await cache.has(d.digest, warn(progress))) return;
    const path = isManifest(d) ? `manifests/${d.digest}` : `blobs/${d.digest}`;
    const headers: Record<string, string> = isManifest(d) ? { accept: MANIFEST_TYPES } : {};
    await fetchInto(client, cache, { path, digest: d.digest, size: d.size, headers }, progress);
  };
  return {
    origin: client.ref.text,
    json: async <T>(d: OciDescriptor) => {
      await fetchOnce(d);
      return JSON.parse((await cache.read(d.digest)).toString("utf8")) as T;
    },
    open: async (d: OciDescriptor): Promise<Readable> => {
      await fetchOnce(d);
      return createReadStream(cache.path(d.digest));
    },
  };
}

/**
 * The manifest or index the reference names. By tag, one HEAD finds its digest, which finds
 * it in the cache; a manifest known by digest is downloaded like a blob (retried, checked).
 */
async function rootManifest(
  client: RegistryClient,
  cache: BlobCache,
  progress: ProgressSink,
): Promise<OciIndex | OciManifest> {
  const { ref } = client;
  let digest = ref.digest;
  if (!digest) {
    const head = await client.get(`manifests/${ref.tag}`, { accept: MANIFEST_TYPES }, "HEAD");
    if (head.status === 404) throw unknownTag(client);
    digest = head.headers.get("docker-content-digest") ?? undefined;
  }
  if (!digest) return manifestByTag(client, cache);
  if (!(await cache.has(digest, warn(progress)))) {
    const request = { path: `manifests/${digest}`, digest, headers: { accept: MANIFEST_TYPES } };
    await fetchInto(client, cache, { ...request, notFound: () => unknownTag(client) }, progress);
  }
  return parseManifest(client, await cache.read(digest));
}

/** The manifest a tag names, from a registry that does not say its digest: one plain GET. */
async function manifestByTag(
  client: RegistryClient,
  cache: BlobCache,
): Promise<OciIndex | OciManifest> {
  const { ref } = client;
  const response = await client.get(`manifests/${ref.tag}`, { accept: MANIFEST_TYPES });
  if (response.status === 404) throw unknownTag(client);
  if (!response.ok) throw httpError(client, response, "manifest");
  // TODO(limitation): without a digest to resume against, a manifest read by tag is not retried.
  const body = Buffer.from(
    await response.arrayBuffer().catch((error: unknown) => {
      throw new EnvironmentError(`${ref.text}: the connection was cut while reading the manifest`, {
        fix: "check the network and the registry's status, then build again",
        cause: error,
      });
    }),
  );
  const got = `sha256:${createHash("sha256").update(body).digest("hex")}`;
  await cache.store(got, [body], ref.text);
  return parseManifest(client, body);
}

function parseManifest(client: RegistryClient, body: Buffer): OciIndex | OciManifest {
  try {
    return JSON.parse(body.toString("utf8")) as OciIndex | OciManifest;
  } catch {
    throw new EnvironmentError(`${client.ref.text}: the registry sent a manifest that is not JSON`);
  }
}

function unknownTag(client: RegistryClient): UserError {
  const { ref } = client;
  const what = ref.digest ? `digest ${ref.digest}` : `tag "${ref.tag}"`;
  return new UserError(`${ref.text}: ${ref.registry} has no ${what} for ${ref.repository}`, {
    fix: `check the name and ${ref.digest ? "digest" : "tag"}; \`skopeo list-tags docker://${ref.registry}/${ref.repository}\` lists the tags`,
  });
}

function httpError(client: RegistryClient, r: Response, what: string): EnvironmentError {
  return new EnvironmentError(
    `${client.ref.text}: fetching the ${what} failed with HTTP ${r.status}`,
    {
      fix: "try again; if it persists, check the registry's status",
    },
  );
}

/** A warning on the progress sink, which shows it above the progress lines. */
function warn(progress: ProgressSink): (text: string) => void {
  return (text) => progress({ kind: "message", level: "warn", text });
}

async function fetchInto(
  client: RegistryClient,
  cache: BlobCache,
  blob: BlobRequest,
  progress: ProgressSink,
): Promise<void> {
  await downloadBlob(client, cache, { ...blob, onRetry: warn(progress) });
}

/** Brings every layer into the cache, a few at a time, reporting bytes. */
async function downloadLayers(
  client: RegistryClient,
  cache: BlobCache,
  image: ResolvedImage,
  progress: ProgressSink,
): Promise<void> {
  const missing: OciDescriptor[] = [];
  for (const layer of image.layers) {
    const digest = layer.blobDigest as string;
    if (!(await cache.has(digest, warn(progress))) && !missing.some((d) => d.digest === digest)) {
      missing.push({ digest, size: layer.size });
    }
  }
  if (missing.length === 0) return;
  const step = `pull:${client.ref.text}`;
  const total = missing.reduce((n, d) => n + (d.size ?? 0), 0);
  let done = 0;
  progress({ kind: "step-start", step, label: `pulling ${client.ref.text}`, total, unit: "bytes" });
  const queue = [...missing];
  const worker = async () => {
    for (let d = queue.shift(); d; d = queue.shift()) {
      await fetchInto(client, cache, { path: `blobs/${d.digest}`, ...d }, progress).catch((e) => {
        queue.length = 0; // one blob failed for good: the other workers take no more
        throw e;
      });
      done += d.size ?? 0;
      progress({ kind: "step-progress", step, done, total });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL_DOWNLOADS }, worker));
  progress({ kind: "step-end", step, label: `${client.ref.text} pulled` });
}
