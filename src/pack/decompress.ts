import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { EnvironmentError, UserError } from "../util/errors.js";

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

export type Compression = "gzip" | "zstd" | "none";

/** Names the compression of a blob from its first bytes; media types lie more often than magic. */
export function sniffCompression(head: Buffer): Compression {
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) return "gzip";
  if (head.subarray(0, 4).equals(ZSTD_MAGIC)) return "zstd";
  return "none";
}

/**
 * Turns a layer blob (gzip, zstd or plain tar) into its uncompressed tar as a stream, never
 * holding the whole layer. zstd goes through the `zstd` command: Node 20's zlib has no zstd
 * and @mongodb-js/zstd only works on whole buffers.
 */
export function decompressedStream(raw: Readable, where: string): Readable {
  return Readable.from(decompressChunks(raw, where), { objectMode: false });
}

async function* decompressChunks(raw: Readable, where: string): AsyncGenerator<Buffer> {
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headLen = 0;
  while (headLen < 4) {
    const next = await it.next();
    if (next.done) break;
    head.push(next.value);
    headLen += next.value.length;
  }
  const rest = Readable.from(replay(head, it));
  const kind = sniffCompression(Buffer.concat(head));
  if (kind === "none") yield* rest;
  else if (kind === "gzip") yield* gunzip(rest, where);
  else yield* unzstd(rest, where);
}

async function* replay(head: Buffer[], it: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  for (let next = await it.next(); !next.done; next = await it.next()) yield next.value;
}

async function* gunzip(input: Readable, where: string): AsyncGenerator<Buffer> {
  const gz = createGunzip();
  const pumping = pipeline(input, gz).catch((error: unknown) => gz.destroy(error as Error));
  try {
    yield* gz;
  } catch (error) {
    throw new UserError(`${where}: the gzip layer is damaged: ${(error as Error).message}`, {
      fix: "export or download the image again",
    });
  }
  await pumping;
}

async function* unzstd(input: Readable, where: string): AsyncGenerator<Buffer> {
  const child = spawn("zstd", ["-d", "-c", "-q"], { stdio: ["pipe", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", (e) => reject(zstdMissing(e)));
    child.on("close", (code) => resolve(code));
  });
  exited.catch(() => {}); // awaited below; this only covers a consumer that stops early
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const pumping = pipeline(input, child.stdin).catch(() => child.kill());
  let finished = false;
  try {
    yield* child.stdout;
    finished = true;
  } finally {
    // The consumer stopped early (an error elsewhere): do not leave zstd running.
    if (!finished) child.kill();
  }
  await pumping;
  const code = await exited;
  if (code !== 0) {
    throw new UserError(`${where}: the zstd layer is damaged: ${stderr.trim()}`, {
      fix: "export or download the image again",
    });
  }
}

function zstdMissing(cause: Error): Error {
  return new EnvironmentError("cannot run `zstd` to read a zstd-compressed layer", {
    fix: "install the zstd command (Debian: apt-get install zstd)",
    cause,
  });
}

/** Passes bytes through and fails at the end unless their SHA-256 is `digest`. */
export function verifyDigest(digest: string, where: string): Transform {
  const hash = createHash("sha256");
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const got = `sha256:${hash.digest("hex")}`;
      if (got === digest) return done();
      done(
        new UserError(
          `${where}: content does not match its digest: expected ${digest}, got ${got}`,
          {
            fix: "the source is damaged or was changed; export or download the image again",
          },
        ),
      );
    },
  });
}
