import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { EnvironmentError, UserError } from "../util/errors.js";
import { diskError } from "./disk-errors.js";
import { removeOnInterrupt } from "./interrupt.js";

/** Where pulled blobs are kept: $XDG_CACHE_HOME/chefer/blobs, else ~/.cache/chefer/blobs. */
export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "chefer", "blobs");
}

/**
 * A content-addressed store of registry blobs (layers, configs, manifests) at
 * `<dir>/sha256/<hex>`. A blob enters only after its digest checks out, through a synced
 * temporary file and a rename, so the cache never holds a partial or wrong blob under a
 * blob's name; a copy damaged later is caught by `has`.
 */
export class BlobCache {
  private swept: Promise<void> | undefined;

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

  /**
   * Whether the cache holds an intact copy of a blob. The first time a process asks, the copy
   * is hashed: a disk error or a hand edit may have damaged it since it was stored, and a
   * damaged copy would fail every later build. A damaged copy is removed (and reported), so
   * the caller downloads it again.
   */
  async has(digest: string, onDamaged?: (message: string) => void): Promise<boolean> {
    const path = this.path(digest);
    const key = await fileKey(path);
    if (!key) return false;
    if (intact.has(key)) return true;
    const got = await hashFile(path);
    if (got === digest) {
      intact.add(key);
      return true;
    }
    await rm(path, { force: true });
    onDamaged?.(
      `${path}: the cached copy of blob ${digest} is damaged (it hashes to ${got}); removed it, downloading it again`,
    );
    return false;
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
    const release = removeOnInterrupt(temp);
    const hash = createHash("sha256");
    const hashing = async function* (src: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
      for await (const chunk of src) {
        hash.update(chunk);
        yield chunk;
      }
    };
    try {
      await pipeline(Readable.from(hashing(body)), createWriteStream(temp, { flush: true })).catch(
        (e: unknown) => {
          throw this.writeError(e, digest);
        },
      );
      const got = `sha256:${hash.digest("hex")}`;
      if (got !== digest) {
        throw new EnvironmentError(
          `${where}: the registry sent a blob that hashes to ${got}, not ${digest}`,
          {
            fix: "build again; if it persists, the registry's copy or a proxy on the way damages it",
          },
        );
      }
      return await this.commit(temp, digest);
    } finally {
      release();
      await rm(temp, { force: true });
    }
  }

  /**
   * A fresh temporary name beside the blob's final one, for a download in progress. Temporary
   * names end in `.partial`: a crash leaves at most such a file, never a wrong blob, and the
   * first download of a later build removes those a crash left (see `sweepStale`).
   */
  async tempFile(digest: string): Promise<string> {
    const final = this.path(digest);
    const dir = join(this.dir, "sha256");
    await mkdir(dir, { recursive: true }).catch((e: unknown) => {
      throw this.writeError(e, digest);
    });
    this.swept ??= sweepStale(dir);
    await this.swept;
    return `${final}.${process.pid}.${Date.now()}.${++sequence}.partial`;
  }

  /** Moves a checked (and synced) temporary file to the blob's final name. */
  async commit(temp: string, digest: string): Promise<string> {
    const final = this.path(digest);
    await rename(temp, final).catch((e: unknown) => {
      throw this.writeError(e, digest);
    });
    intact.add((await fileKey(final)) as string);
    return final;
  }

  /** A failed write of a blob into the cache, as an error naming the cache and how to move it. */
  writeError(error: unknown, digest: string): unknown {
    return diskError(error, {
      what: `blob ${digest} into the blob cache`,
      dir: this.dir,
      elsewhere: "point XDG_CACHE_HOME at a filesystem with room for the images",
    });
  }
}

/** Tells apart temporary names made in the same millisecond. */
let sequence = 0;

/** Cached files (by `fileKey`) this process has hashed, or written after checking their digest. */
const intact = new Set<string>();

/** A file's path, size and mtime, or undefined when it is not a file; a rewrite changes it. */
async function fileKey(path: string): Promise<string | undefined> {
  const st = await stat(path).catch(() => undefined);
  return st?.isFile() ? `${path}:${st.size}:${st.mtimeMs}` : undefined;
}

/** A download that has not written for this long is dead: live ones write or time out in 60 s. */
const STALE_MS = 60 * 60 * 1000;

/**
 * Removes `.partial` files a killed build left behind (SIGKILL, power loss). Age, not the pid
 * in the name, says a file is abandoned: builds in other pid namespaces may share the cache.
 */
async function sweepStale(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => []);
  for (const name of names.filter((n) => n.endsWith(".partial"))) {
    const path = join(dir, name);
    const st = await stat(path).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > STALE_MS) await rm(path, { force: true });
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest("hex")}`;
}
