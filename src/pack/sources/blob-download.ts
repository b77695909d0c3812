import { createHash, type Hash } from "node:crypto";
import { open, rm } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { EnvironmentError } from "../../util/errors.js";
import type { BlobCache } from "../blob-cache.js";
import { removeOnInterrupt } from "../interrupt.js";
import { RegistryUnreachable, type RegistryClient } from "./registry-client.js";

/** Attempts per blob, and the wait before the second one (doubled each time after). */
export const DOWNLOAD_ATTEMPTS = 4;
const FIRST_RETRY_MS = 250;

/** One blob (or manifest) to bring into the cache. */
export interface BlobRequest {
  /** API path under the repository: `blobs/<digest>` or `manifests/<digest>`. */
  path: string;
  digest: string;
  /** The size the descriptor promises, when it gives one. */
  size?: number;
  headers?: Record<string, string>;
  /** Told about each failed attempt that will be retried. */
  onRetry?: (message: string) => void;
  /** The error for a 404 answer, when the caller can say more than the status. */
  notFound?: () => Error;
}

/** A failure worth another attempt: a cut connection, a short body, a 5xx answer. */
class Transient extends Error {}

/** A download that received nothing for too long: the registry hangs without closing. */
class Stalled extends Transient {}

/** Aborts a download when nothing arrives for `ms`; `poke` on every chunk received. */
function watchdog(ms: number) {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => controller.abort(new Stalled(`nothing arrived for ${ms / 1000} s`)),
      ms,
    );
  };
  poke();
  return { signal: controller.signal, poke, stop: () => clearTimeout(timer) };
}

/** The bytes received so far, kept across attempts so a later one can resume with Range. */
interface Received {
  bytes: number;
  hash: Hash;
}

/**
 * Downloads a blob into the cache, retrying a few times with growing waits when the
 * connection is cut or the registry fails for a moment. A retry asks only for the missing
 * bytes (`Range`) and starts over when the registry sends the whole blob instead. The blob
 * enters the cache only when its digest checks out, so a cut or damaged download never does.
 */
export async function downloadBlob(
  client: RegistryClient,
  cache: BlobCache,
  blob: BlobRequest,
): Promise<void> {
  const temp = await cache.tempFile(blob.digest);
  const release = removeOnInterrupt(temp);
  const got: Received = { bytes: 0, hash: createHash("sha256") };
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await fetchRest(client, cache, blob, temp, got);
        await cache.commit(temp, blob.digest);
        return;
      } catch (error) {
        if (!(error instanceof Transient) || attempt === DOWNLOAD_ATTEMPTS)
          throw giveUp(client, blob, error, attempt);
        const wait = FIRST_RETRY_MS * 2 ** (attempt - 1);
        blob.onRetry?.(
          `${client.ref.text}: blob ${blob.digest}: ${error.message}; retrying in ${wait} ms (attempt ${attempt + 1} of ${DOWNLOAD_ATTEMPTS})`,
        );
        await sleep(wait);
      }
    }
  } finally {
    release();
    await rm(temp, { force: true });
  }
}

/** One attempt: asks for the bytes still missing and appends them, then checks the digest. */
async function fetchRest(
  client: RegistryClient,
  cache: BlobCache,
  blob: BlobRequest,
  temp: string,
  got: Received,
): Promise<void> {
  const watch = watchdog(client.idleTimeoutMs);
  try {
    const response = await request(client, blob, got, watch.signal);
    const resumed = got.bytes > 0 && response.status === 206 && rangeStart(response) === got.bytes;
    if (!resumed) {
      got.bytes = 0;
      got.hash = createHash("sha256");
      if (response.status === 206) {
        await response.body?.cancel();
        throw new Transient("the registry sent another range than the one asked for");
      }
    }
    const writeError = (e: unknown) => cache.writeError(e, blob.digest);
    await receive(response, temp, got, { append: resumed, writeError, poke: watch.poke }).catch(
      (error: unknown) => {
        throw error instanceof Transient ? stopped(error, got, blob) : error;
      },
    );
    // Without a Content-Length, a connection closed early looks like a complete answer.
    if (!response.headers.has("content-length") && blob.size !== undefined && got.bytes < blob.size)
      throw new Transient(`the connection ended after ${got.bytes} of ${blob.size} bytes`);
    verify(client, blob, got, resumed);
  } finally {
    watch.stop();
  }
}

/** Says how far a download got before it stopped. */
function stopped(error: Transient, got: Received, blob: BlobRequest): Transient {
  const far = `${got.bytes}${blob.size === undefined ? "" : ` of ${blob.size}`} bytes`;
  if (error instanceof Stalled)
    return new Stalled(`the download stalled after ${far} (${error.message})`);
  return new Transient(`the connection was cut after ${far} (${error.message})`);
}

/** Fails unless the bytes received hash to the blob's digest. */
function verify(client: RegistryClient, blob: BlobRequest, got: Received, resumed: boolean): void {
  const digest = `sha256:${got.hash.copy().digest("hex")}`;
  if (digest === blob.digest) return;
  if (resumed) {
    // A resumed blob that does not check out may have joined two different copies: start over.
    got.bytes = 0;
    throw new Transient(`the resumed blob hashes to ${digest}`);
  }
  throw new EnvironmentError(
    `${client.ref.text}: the registry sent a blob that hashes to ${digest}, not ${blob.digest}`,
    { fix: "build again; if it persists, the registry's copy or a proxy on the way damages it" },
  );
}

/**
 * GETs the blob, or the bytes after those already received. A 5xx, 408 or 429 answer is
 * transient; so is a 416 to a Range request, after which the next attempt starts over.
 */
async function request(
  client: RegistryClient,
  blob: BlobRequest,
  got: Received,
  signal: AbortSignal,
): Promise<Response> {
  const range: Record<string, string> = got.bytes > 0 ? { range: `bytes=${got.bytes}-` } : {};
  const headers = { ...blob.headers, ...range };
  const response = await client.get(blob.path, headers, "GET", signal).catch((error) => {
    throw error instanceof RegistryUnreachable ? new Transient(error.message) : error;
  });
  if (response.ok && response.body) return response;
  await response.body?.cancel();
  if (response.status === 404 && blob.notFound) throw blob.notFound();
  const message = `the registry answered HTTP ${response.status}`;
  if (response.status === 416) got.bytes = 0;
  if (response.status >= 500 || [408, 416, 429].includes(response.status))
    throw new Transient(message);
  throw new EnvironmentError(
    `${client.ref.text}: fetching blob ${blob.digest} failed: ${message}`,
    {
      fix: "check the image reference; if it is right, check the registry's status",
    },
  );
}

/** Where a `206 Partial Content` answer starts (`Content-Range: bytes 100-199/200`). */
function rangeStart(response: Response): number | undefined {
  const m = /^bytes (\d+)-/.exec(response.headers.get("content-range") ?? "");
  return m ? Number(m[1]) : undefined;
}

/** Writes a response body to the temporary file (appending when resumed), hashing as it goes. */
async function receive(
  response: Response,
  temp: string,
  got: Received,
  o: { append: boolean; writeError: (error: unknown) => unknown; poke: () => void },
): Promise<void> {
  const fh = await open(temp, o.append ? "a" : "w").catch((e: unknown) => {
    throw o.writeError(e);
  });
  try {
    for await (const chunk of readBody(response)) {
      await fh.write(chunk).catch((e: unknown) => {
        throw o.writeError(e);
      });
      got.hash.update(chunk);
      got.bytes += chunk.length;
      o.poke();
    }
    await fh.sync().catch((e: unknown) => {
      throw o.writeError(e);
    });
  } finally {
    await fh.close();
  }
}

/** The body's chunks; a connection cut in the middle becomes a transient failure. */
async function* readBody(response: Response): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) yield chunk;
  } catch (error) {
    throw error instanceof Transient ? error : new Transient(causeCode(error));
  }
}

function causeCode(error: unknown): string {
  const e = error as { cause?: { code?: string; message?: string }; message?: string };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
}

/** The error to report once a download stops: transient ones say how many attempts failed. */
function giveUp(client: RegistryClient, blob: BlobRequest, error: unknown, attempts: number) {
  if (!(error instanceof Transient)) return error;
  return new EnvironmentError(
    `${client.ref.text}: cannot download blob ${blob.digest} from ${client.ref.registry}: ${error.message}; gave up after ${attempts} attempts`,
    {
      fix: "check the network and the registry's status, then build again; blobs already downloaded are kept in the cache",
      cause: error,
    },
  );
}
