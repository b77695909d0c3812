import { createRequire } from "node:module";
import { availableParallelism } from "node:os";

interface ZstdBinding {
  compress(data: Buffer, level: number): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

/**
 * @mongodb-js/zstd's native binding. Its 1.2.2 JavaScript wrapper drops the `level`
 * argument (every frame comes out at level 3), so chefer calls the binding directly; the
 * call runs on libuv's thread pool, which is what lets frames compress on every core.
 */
// libuv's pool has 4 threads unless told otherwise before its first use; give it one per core
// so frames compress on every core of larger machines. Too late if the pool already started:
// the CLI entry point should set it first (bin/chefer.js).
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, availableParallelism()));

const binding = createRequire(import.meta.url)("@mongodb-js/zstd/bindings.js") as ZstdBinding;

/** Compresses a buffer as one zstd frame at `level` (1..22). */
export function zstdCompress(data: Buffer, level: number): Promise<Buffer> {
  return binding.compress(data, level);
}

/** Decompresses one or more whole zstd frames. */
export function zstdDecompress(data: Buffer): Promise<Buffer> {
  return binding.decompress(data);
}
