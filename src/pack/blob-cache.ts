import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { UserError } from "../util/errors.js";
import { diskError } from "./disk-errors.js";

/** Where pulled blobs are kept: $XDG_CACHE_HOME/chefer/blobs, else ~/.cache/chefer/blobs. */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "chefer", "blobs");
}

/**
 * A content-addressed store of registry blobs (layers, configs, manifests) at
 * `<dir>/sha256/<hex>`. A blob enters only after its digest checks out, through a temporary
 * name and a rename, so the cache never holds a partial or wrong blob.
 */
export class BlobCache {
  constructor(readonly dir: string = defaultCacheDir()) {}

  path(digest: string): string {
    const [algorithm, hex] = digest.split(":");
    if (algorithm !== "sha256" || !hex || !/^[0-9a-f]{64}$/.test(hex)) {
      throw new UserError(`unsupported digest ${digest}`, {
        fix: "use images addressed by sha256",
      });
    }
    return join(this.dir, "sha256", hex);
  }

  async has(digest: string): Promise<boolean> {
    return (await stat(this.path(digest)).catch(() => undefined))?.isFile() ?? false;
  }

  async read(digest: string): Promise<Buffer> {
    return readFile(this.path(digest));
  }

  /** Stores a stream under its digest, failing (and keeping nothing) if the bytes differ. */
  async store(
    digest: string,
    body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    where: string,
  ): Promise<string> {
    const temp = await this.tempFile(digest);
    const hash = createHash("sha256");
    const hashing = async function* (src: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
      for await (const chunk of src) {
        hash.update(chunk);
        yield chunk;
      }
    };
    try {
      await pipeline(Readable.from(hashing(body)), createWriteStream(temp)).catch((e: unknown) => {
        throw this.writeError(e, temp);
      });
      const got = `sha256:${hash.digest("hex")}`;
      if (got !== digest) {
        throw new UserError(
          `${where}: the registry sent a blob that hashes to ${got}, not ${digest}`,
          {
            fix: "pull again; if it persists the registry's copy is damaged",
          },
        );
      }
      return await this.commit(temp, digest);
    } finally {
      await rm(temp, { force: true });
    }
  }

  /**
   * A fresh temporary name beside the blob's final one, for a download in progress. Temporary
   * names end in `.partial`: a crash leaves at most such a file, never a wrong blob.
   */
  async tempFile(digest: string): Promise<string> {
    const final = this.path(digest);
    const dir = join(this.dir, "sha256");
    await mkdir(dir, { recursive: true }).catch((e: unknown) => {
      throw this.writeError(e, dir);
    });
    return `${final}.${process.pid}.${Date.now()}.${++sequence}.partial`;
  }

  /** Moves a checked temporary file to the blob's final name. */
  async commit(temp: string, digest: string): Promise<string> {
    const final = this.path(digest);
    await rename(temp, final);
    return final;
  }

  /** A failed write into the cache as an error naming the cache and how to move it. */
  writeError(error: unknown, path: string): unknown {
    return diskError(error, {
      path,
      what: "the blob cache file",
      elsewhere: "point XDG_CACHE_HOME at a filesystem with room for the images",
    });
  }
}

/** Tells apart temporary names made in the same millisecond. */
let sequence = 0;
