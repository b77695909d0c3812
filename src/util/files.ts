import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";

/** Larger input files than this are refused rather than read into memory. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a text file the user named, refusing anything that is not a regular file: opening a
 * FIFO would block forever and a device such as /dev/zero would fill memory. Opened
 * non-blocking so that even the refusal cannot hang. Throws an Error whose message says why.
 */
export function readRegularFile(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error(`${path} is not a regular file`);
    if (stat.size > MAX_INPUT_BYTES) {
      throw new Error(`${path} is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MiB`);
    }
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** Why reading failed, in words: "no such file or directory", "x is not a regular file". */
export function readFailureReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const sys = /^[A-Z]+: (.*?)(, \w+ '.*')?$/.exec(error.message);
  return sys?.[1] ?? error.message;
}
