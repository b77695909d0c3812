import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import type { BakedFile, Recipe } from "../appcipe/types.js";
import { UserError } from "../util/errors.js";
import { silentProgress, type ProgressSink } from "../util/progress.js";
import { CHUNK_SIZE, PayloadWriter, writeBlob, type WrittenBlob } from "./blob-writer.js";
import { encodeFooter, FOOTER_SIZE, FORMAT_VERSION } from "./footer.js";
import type { ResolvedImage } from "./image.js";
import { diskError } from "./disk-errors.js";
import { removeOnInterrupt } from "./interrupt.js";
import { PartialFile } from "./partial-file.js";
import {
  newManifest,
  resolveService,
  serializeManifest,
  type Manifest,
  type ManifestBlob,
} from "./manifest.js";

export interface WriteOptions {
  recipe: Recipe;
  target: string;
  /** The runtime binary for the target; its bytes start the executable. */
  runtime: string;
  /** The finished file's path; `<out>.partial` is used until it is complete. */
  out: string;
  /** The resolved image of every service, by service name. */
  images: Map<string, ResolvedImage>;
  zstdLevel: number;
  builder: string;
  progress?: ProgressSink;
  /** Frames compressed at once (default: twice the cores). */
  inFlight?: number;
}

export interface WrittenExecutable {
  path: string;
  size: number;
  manifest: Manifest;
}

/**
 * Writes one executable: runtime, blobs, manifest, footer (docs/format.md). The bytes go to
 * `<out>.partial` (see PartialFile), which is synced and renamed only when complete, and
 * removed on failure or on SIGINT/SIGTERM, so no file that looks finished is ever left
 * half-written. A file of the same name from an earlier build stays as it was until the
 * rename replaces it.
 */
export async function writeExecutable(o: WriteOptions): Promise<WrittenExecutable> {
  const partial = `${o.out}.partial`;
  const release = removeOnInterrupt(partial);
  let file: PartialFile | undefined;
  try {
    file = await PartialFile.create(partial, o.out);
    const manifest = await writeContent(file.fh, o);
    await file.finish(o.out);
    return { path: o.out, size: (await stat(o.out)).size, manifest };
  } catch (error) {
    await file?.abandon();
    if (!writing(error, partial, o.out)) throw error;
    throw diskError(error, {
      what: `the executable ${o.out}`,
      dir: dirname(o.out),
      elsewhere: "build into another directory with --out DIR",
    });
  } finally {
    release();
  }
}

/**
 * Whether a failed call was on the executable being written: a write to its descriptor (no
 * path) or a call naming it. Reading an input (the runtime, a layer) names the input instead.
 */
function writing(error: unknown, partial: string, out: string): boolean {
  const path = (error as { path?: unknown } | undefined)?.path;
  return path === undefined || path === partial || path === out;
}

async function writeContent(fh: FileHandle, o: WriteOptions): Promise<Manifest> {
  const payloadOffset = await copyRuntime(fh, o.runtime);
  const out = new PayloadWriter(fh, payloadOffset);
  const manifest = newManifest(o.recipe, o.target, o.builder, CHUNK_SIZE);
  await writeBlobs(out, manifest, o);
  const bytes = serializeManifest(manifest);
  await out.write(bytes);
  const manifestOffset = payloadOffset + out.position - bytes.length;
  const footer = encodeFooter({
    formatVersion: FORMAT_VERSION,
    flags: 0,
    payloadOffset,
    manifestOffset,
    manifestSize: bytes.length,
    manifestSha256: createHash("sha256").update(bytes).digest("hex"),
    fileSize: manifestOffset + bytes.length + FOOTER_SIZE,
  });
  await out.write(footer);
  return manifest;
}

async function copyRuntime(fh: FileHandle, runtime: string): Promise<number> {
  let at = 0;
  for await (const chunk of createReadStream(runtime)) {
    const b = chunk as Buffer;
    await fh.write(b, 0, b.length, at);
    at += b.length;
  }
  if (at === 0) {
    throw new UserError(`${runtime}: the runtime is empty`, {
      fix: "rebuild the kit with `make -C native kit`",
    });
  }
  return at;
}

/** Counts layers written across services, for the "compressing layers 3/12" step. */
interface LayerCount {
  step: string;
  seen: Set<string>;
  done: number;
  total: number;
}

/** Walks services by name and writes each layer and baked file the first time it is used. */
async function writeBlobs(out: PayloadWriter, manifest: Manifest, o: WriteOptions): Promise<void> {
  const progress = o.progress ?? silentProgress;
  const services = [...o.recipe.services].sort((a, b) => (a.name < b.name ? -1 : 1));
  const total = countUniqueLayers(services.map((s) => imageOf(o, s.name)));
  const count: LayerCount = { step: `compress:${o.target}`, seen: new Set(), done: 0, total };
  progress({
    kind: "step-start",
    step: count.step,
    label: "compressing layers",
    total,
    unit: "items",
  });
  for (const service of services) {
    const image = imageOf(o, service.name);
    await writeLayers(out, manifest, o, service.name, image, count);
    const fileBlobs = await writeFiles(out, manifest, o, service.files, count.seen);
    manifest.services.push(resolveService(service, image, fileBlobs));
  }
  progress({ kind: "step-end", step: count.step, label: "layers compressed" });
}

/** Writes one service's layers that no earlier service wrote, reporting its bytes. */
async function writeLayers(
  out: PayloadWriter,
  manifest: Manifest,
  o: WriteOptions,
  name: string,
  image: ResolvedImage,
  count: LayerCount,
): Promise<void> {
  const progress = o.progress ?? silentProgress;
  const step = `pack:${o.target}:${name}`;
  progress({ kind: "step-start", step, label: `packing ${name}`, unit: "bytes" });
  let before = 0;
  for (const layer of image.layers) {
    if (count.seen.has(layer.diffId)) continue;
    count.seen.add(layer.diffId);
    const onBytes = (n: number) => progress({ kind: "step-progress", step, done: before + n });
    const options = { level: o.zstdLevel, inFlight: o.inFlight, onBytes };
    const blob = await writeBlob(await layer.open(), out, options);
    checkDigest(blob, layer.diffId, `${image.origin}: layer ${layer.diffId}`);
    manifest.blobs.push(toEntry(blob, "layer", out));
    before += blob.usize;
    progress({ kind: "step-progress", step: count.step, done: ++count.done, total: count.total });
  }
  progress({ kind: "step-end", step, label: `${name} packed` });
}

function imageOf(o: WriteOptions, name: string): ResolvedImage {
  const image = o.images.get(name);
  if (!image) throw new UserError(`service ${name} has no resolved image`);
  return image;
}

function countUniqueLayers(images: ResolvedImage[]): number {
  return new Set(images.flatMap((i) => i.layers.map((l) => l.diffId))).size;
}

function toEntry(blob: WrittenBlob, media: "layer" | "file", out: PayloadWriter): ManifestBlob {
  return {
    digest: blob.digest,
    media,
    offset: out.position - blob.size,
    size: blob.size,
    usize: blob.usize,
    frames: blob.frames,
  };
}

function checkDigest(blob: WrittenBlob, expected: string, where: string): void {
  if (blob.digest === expected) return;
  throw new UserError(`${where}: diff_id mismatch: the layer's content hashes to ${blob.digest}`, {
    fix: "the image is damaged or was changed after its config was written; export or pull it again",
  });
}

/** Writes baked files as blobs (once per content) and returns their digests in order. */
async function writeFiles(
  out: PayloadWriter,
  manifest: Manifest,
  o: WriteOptions,
  files: BakedFile[],
  seen: Set<string>,
): Promise<string[]> {
  const digests: string[] = [];
  for (const file of files) {
    const digest = await hashStream(fileContent(file)).catch((error: NodeJS.ErrnoException) => {
      throw new UserError(
        `baked file ${file.source}: cannot read it (${error.code ?? error.message})`,
        {
          fix: `create the file, or correct the source of ${file.target} in the recipe's files`,
        },
      );
    });
    digests.push(digest);
    if (seen.has(digest)) continue;
    seen.add(digest);
    const blob = await writeBlob(fileContent(file), out, {
      level: o.zstdLevel,
      inFlight: o.inFlight,
    });
    checkDigest(blob, digest, file.source ?? file.target);
    manifest.blobs.push(toEntry(blob, "file", out));
  }
  return digests;
}

function fileContent(file: BakedFile): Readable {
  if (file.source !== undefined) return createReadStream(file.source);
  return Readable.from([Buffer.from(file.content ?? "", "utf8")]);
}

async function hashStream(input: Readable): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of input) h.update(chunk as Buffer);
  return `sha256:${h.digest("hex")}`;
}
