import { createRequire } from "node:module";

interface ZstdBinding {
  compress(data: Buffer, level: number): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

/**
 * @mongodb-js/zstd's native binding. Its 1.2.2 JavaScript wrapper drops the `level`
 * argument (every frame comes out at level 3), so chefer calls the binding directly; the
 * call runs on libuv's thread pool, which is what lets frames compress on every core.
 */
const binding = createRequire(import.meta.url)("@mongodb-js/zstd/bindings.js") as ZstdBinding;

/** Compresses a buffer as one zstd frame at `level` (1..22). */
export function zstdCompress(data: Buffer, level: number): Promise<Buffer> {
  return binding.compress(data, level);
}

/** Decompresses one or more whole zstd frames. */
export function zstdDecompress(data: Buffer): Promise<Buffer> {
  return binding.decompress(data);
}
