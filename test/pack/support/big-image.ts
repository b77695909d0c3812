import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";

const MIB = 1024 * 1024;

/**
 * One MiB of content whose compressibility depends on `i`: a third text-like (compresses
 * well), a third random from 16 symbols (compresses about half), a third random (does not).
 */
function block(i: number): Buffer {
  const kind = i % 3;
  if (kind === 0) return Buffer.alloc(MIB, `line ${i} of a log that repeats itself quite a lot\n`);
  const b = randomBytes(MIB);
  if (kind === 1) for (let j = 0; j < b.length; j++) b[j] = 0x41 + ((b[j] as number) & 15);
  return b;
}

async function* content(size: number): AsyncGenerator<Buffer> {
  for (let i = 0, left = size; left > 0; i++, left -= MIB)
    yield left >= MIB ? block(i) : block(i).subarray(0, left);
}

/** Writes a generator into a tar-stream entry (a streamx stream), honouring backpressure. */
async function feed(entry: NodeJS.WritableStream, chunks: AsyncIterable<Buffer>): Promise<void> {
  for await (const chunk of chunks) {
    if (!entry.write(chunk)) await new Promise((r) => entry.once("drain", r));
  }
  entry.end();
}

/**
 * Writes an OCI layout whose one layer is an uncompressed tar holding a file of `size` bytes
 * of mixed compressibility. Streams to disk: memory stays small whatever the size.
 */
export async function writeBigLayout(
  dir: string,
  size: number,
): Promise<{ diffId: string; layerBytes: number }> {
  await mkdir(join(dir, "blobs", "sha256"), { recursive: true });
  const temp = join(dir, "layer.tmp");
  const hash = createHash("sha256");
  let layerBytes = 0;
  const pack = tar.pack();
  const writing = pipeline(
    pack as unknown as NodeJS.ReadableStream,
    async function* (src: AsyncIterable<string | Buffer>) {
      for await (const chunk of src) {
        hash.update(chunk);
        layerBytes += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(temp),
  );
  await new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ name: "data.bin", size, mtime: new Date(0) }, (e) =>
      e ? reject(e) : resolve(),
    );
    void feed(entry, content(size)).catch(reject);
  });
  pack.finalize();
  await writing;
  const diffId = `sha256:${hash.digest("hex")}`;
  await rename(temp, join(dir, "blobs", "sha256", diffId.slice(7)));
  await writeIndex(dir, diffId, layerBytes);
  return { diffId, layerBytes };
}

async function putBlob(dir: string, body: Buffer): Promise<{ digest: string; size: number }> {
  const digest = `sha256:${createHash("sha256").update(body).digest("hex")}`;
  await writeFile(join(dir, "blobs", "sha256", digest.slice(7)), body);
  return { digest, size: body.length };
}

async function writeIndex(dir: string, diffId: string, size: number): Promise<void> {
  const config = await putBlob(
    dir,
    Buffer.from(
      JSON.stringify({
        architecture: process.arch === "arm64" ? "arm64" : "amd64",
        os: "linux",
        config: {},
        rootfs: { type: "layers", diff_ids: [diffId] },
      }),
    ),
  );
  const manifest = await putBlob(
    dir,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: diffId, size }],
      }),
    ),
  );
  await writeFile(join(dir, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
  await writeFile(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: "application/vnd.oci.image.manifest.v1+json", ...manifest }],
    }),
  );
}
