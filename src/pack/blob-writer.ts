import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { zstdCompress } from "./zstd.js";

/** Uncompressed bytes per zstd frame (docs/format.md "Blobs"). */
export const CHUNK_SIZE = 4 * 1024 * 1024;

export interface Frame {
  csize: number;
  usize: number;
  /** Hex SHA-256 of the compressed frame. */
  sha256: string;
}

/** What one written blob looks like in the manifest, minus its media and offset. */
export interface WrittenBlob {
  digest: string;
  size: number;
  usize: number;
  frames: Frame[];
}

/** Appends bytes to the payload in order and knows where it stands. */
export class PayloadWriter {
  /** Bytes written since the payload began. */
  position = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly base: number,
  ) {}

  async write(b: Buffer): Promise<void> {
    let done = 0;
    while (done < b.length) {
      const { bytesWritten } = await this.fh.write(
        b,
        done,
        b.length - done,
        this.base + this.position + done,
      );
      done += bytesWritten;
    }
    this.position += b.length;
  }
}

export interface BlobOptions {
  level: number;
  chunkSize?: number;
  /** Frames compressed at once; bounds memory to about inFlight x 2 x chunkSize. */
  inFlight?: number;
  /** Called with uncompressed bytes consumed so far. */
  onBytes?: (usize: number) => void;
}

/** The default number of frames compressed at once: enough to keep every core busy. */
export function defaultInFlight(): number {
  return Math.max(2, availableParallelism() * 2);
}

/**
 * Cuts a stream into chunks, compresses them as independent zstd frames on every core
 * (libuv's pool runs the compression), and appends the frames in order. The blob's digest is
 * the SHA-256 of the uncompressed stream.
 */
export async function writeBlob(
  input: AsyncIterable<Buffer>,
  out: PayloadWriter,
  options: BlobOptions,
): Promise<WrittenBlob> {
  const inFlight = options.inFlight ?? defaultInFlight();
  const whole = createHash("sha256");
  const frames: Frame[] = [];
  const pending: Promise<Buffer>[] = [];
  const start = out.position;
  let usize = 0;

  let written = 0;

  const flushOne = async (): Promise<void> => {
    const frame = await (pending.shift() as Promise<Buffer>);
    await out.write(frame);
    const entry = frames[written++] as Frame;
    entry.csize = frame.length;
    entry.sha256 = sha256Hex(frame);
  };

  for await (const chunk of chunks(input, options.chunkSize ?? CHUNK_SIZE)) {
    whole.update(chunk);
    usize += chunk.length;
    frames.push({ csize: 0, usize: chunk.length, sha256: "" });
    const frame = zstdCompress(chunk, options.level);
    frame.catch(() => {}); // awaited in order by flushOne; this only stops an early unhandled rejection
    pending.push(frame);
    options.onBytes?.(usize);
    if (pending.length >= inFlight) await flushOne();
  }
  while (pending.length > 0) await flushOne();
  return { digest: `sha256:${whole.digest("hex")}`, size: out.position - start, usize, frames };
}

function sha256Hex(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

/** Regroups a byte stream into chunks of exactly `size` bytes; the last may be shorter. */
export async function* chunks(input: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let have = 0;
  for await (const piece of input) {
    let rest = piece;
    while (have + rest.length >= size) {
      const take = size - have;
      parts.push(rest.subarray(0, take));
      yield Buffer.concat(parts, size);
      rest = rest.subarray(take);
      parts = [];
      have = 0;
    }
    if (rest.length > 0) {
      parts.push(rest);
      have += rest.length;
    }
  }
  if (have > 0) yield Buffer.concat(parts, have);
}
