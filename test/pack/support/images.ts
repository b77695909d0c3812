import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { compress } from "@mongodb-js/zstd";
import tar from "tar-stream";
import type { ImageConfigFile } from "../../../src/pack/image.js";

/** Test images made in memory with tar-stream: small, exact, no Docker needed. */
export type LayerFiles = Record<string, TarEntry>;
export type Compression = "gzip" | "zstd" | "none";

export function sha256(b: Buffer): string {
  return `sha256:${createHash("sha256").update(b).digest("hex")}`;
}

/** A tar entry: file content, an executable file, or a symlink. */
export type TarEntry = Buffer | string | { exec: Buffer } | { link: string };

function entryHeader(name: string, e: TarEntry): Partial<tar.Header> & { name: string } {
  if (typeof e === "object" && "link" in e) {
    return { name, type: "symlink", linkname: e.link, mtime: new Date(0), mode: 0o777 };
  }
  const mode = typeof e === "object" && "exec" in e ? 0o755 : 0o644;
  return { name, mtime: new Date(0), mode };
}

function entryBody(e: TarEntry): Buffer | undefined {
  if (typeof e === "string") return Buffer.from(e);
  if (Buffer.isBuffer(e)) return e;
  return "exec" in e ? e.exec : undefined;
}

/** Packs entries into a tar in memory (fixed mtime, so the bytes are stable). */
export async function tarOf(entries: Record<string, TarEntry>): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const ended = new Promise<void>((resolve) => pack.on("end", () => resolve()));
  for (const [name, e] of Object.entries(entries)) {
    await new Promise<void>((resolve, reject) =>
      pack.entry(entryHeader(name, e), entryBody(e) ?? "", (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

async function compressed(b: Buffer, c: Compression): Promise<Buffer> {
  if (c === "gzip") return gzipSync(b);
  if (c === "zstd") return compress(b, 3);
  return b;
}

export interface TestImage {
  config: ImageConfigFile;
  configBytes: Buffer;
  /** Uncompressed layer tars. */
  layers: Buffer[];
  /** Stored (possibly compressed) layer blobs. */
  blobs: Buffer[];
  diffIds: string[];
}

/** An image of the given layers with a config for `arch`. */
export async function makeImage(
  layers: LayerFiles[],
  options: { arch?: string; compression?: Compression; run?: ImageConfigFile["config"] } = {},
): Promise<TestImage> {
  const tars = await Promise.all(layers.map((l) => tarOf(l)));
  const blobs = await Promise.all(tars.map((t) => compressed(t, options.compression ?? "none")));
  const diffIds = tars.map(sha256);
  const config: ImageConfigFile = {
    architecture: options.arch ?? "amd64",
    os: "linux",
    config: options.run ?? { Cmd: ["/bin/sh"], Env: ["PATH=/bin"] },
    rootfs: { type: "layers", diff_ids: diffIds },
  };
  return { config, configBytes: Buffer.from(JSON.stringify(config)), layers: tars, blobs, diffIds };
}

/** A `docker save` archive (legacy layout: <n>/layer.tar, config at <hex>.json). */
export async function dockerArchive(image: TestImage): Promise<Buffer> {
  const configName = `${sha256(image.configBytes).slice(7)}.json`;
  const entries: Record<string, Buffer | string> = { [configName]: image.configBytes };
  const layerPaths = image.blobs.map((b, i) => `${i}/layer.tar`);
  image.blobs.forEach((b, i) => (entries[layerPaths[i] as string] = b));
  entries["manifest.json"] = JSON.stringify([
    { Config: configName, RepoTags: ["test:1"], Layers: layerPaths },
  ]);
  return tarOf(entries);
}

/** The files of an OCI layout holding one or more images, as path -> bytes. */
export function ociLayoutFiles(
  images: TestImage[],
  options: { index?: boolean } = {},
): Record<string, Buffer | string> {
  const files: Record<string, Buffer | string> = { "oci-layout": '{"imageLayoutVersion":"1.0.0"}' };
  const put = (b: Buffer) => {
    files[`blobs/sha256/${sha256(b).slice(7)}`] = b;
    return { digest: sha256(b), size: b.length };
  };
  const manifests = images.map((image) => {
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {
          mediaType: "application/vnd.oci.image.config.v1+json",
          ...put(image.configBytes),
        },
        layers: image.blobs.map((b) => ({
          mediaType: "application/vnd.oci.image.layer.v1.tar",
          ...put(b),
        })),
      }),
    );
    const platform = { os: "linux", architecture: image.config.architecture };
    return { mediaType: "application/vnd.oci.image.manifest.v1+json", ...put(manifest), platform };
  });
  const top = options.index
    ? [{ mediaType: "application/vnd.oci.image.index.v1+json", ...put(indexOf(manifests)) }]
    : manifests.map((m) => (images.length === 1 ? { ...m, platform: undefined } : m));
  files["index.json"] = indexOf(top);
  return files;
}

function indexOf(manifests: object[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests,
    }),
  );
}

/** Writes an OCI layout directory. */
export async function writeLayout(
  dir: string,
  files: Record<string, Buffer | string>,
): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    await mkdir(join(dir, name, ".."), { recursive: true });
    await writeFile(join(dir, name), content);
  }
}
