import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { zstdDecompress } from "./zstd.js";
import { UserError } from "../util/errors.js";
import type { ExecutableInfo } from "./inspect.js";

/**
 * Reads one blob back out of an executable, frame by frame, checking each frame's hash
 * before decompressing it, its decompressed size, and the blob's digest at the end: the
 * same checks the runtime makes (docs/format.md "Blobs").
 */
export async function* readBlob(info: ExecutableInfo, digest: string): AsyncGenerator<Buffer> {
  const blob = info.manifest.blobs.find((b) => b.digest === digest);
  if (!blob) throw new UserError(`${info.path}: no blob ${digest}`);
  const fh = await open(info.path, "r");
  const whole = createHash("sha256");
  let at = info.footer.payloadOffset + blob.offset;
  try {
    for (const frame of blob.frames) {
      const raw = Buffer.alloc(frame.csize);
      await fh.read(raw, 0, raw.length, at);
      at += frame.csize;
      if (createHash("sha256").update(raw).digest("hex") !== frame.sha256) {
        throw new UserError(`${info.path}: blob ${digest}: a frame does not match its hash`);
      }
      const data = frame.usize === 0 ? Buffer.alloc(0) : await zstdDecompress(raw);
      if (data.length !== frame.usize)
        throw new UserError(`${info.path}: blob ${digest}: frame size`);
      whole.update(data);
      yield data;
    }
  } finally {
    await fh.close();
  }
  if (`sha256:${whole.digest("hex")}` !== digest) {
    throw new UserError(`${info.path}: blob ${digest}: content does not match its digest`);
  }
}
