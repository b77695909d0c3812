import { EnvironmentError } from "../util/errors.js";

/** errno codes that mean the filesystem is out of room for this write. */
const FULL = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);

/** errno codes that mean the filesystem refuses the write. */
const REFUSED = new Set(["EROFS", "EACCES", "EPERM", "EIO"]);

/** errno codes that mean the directory written to is not there. */
const MISSING = new Set(["ENOENT", "ENOTDIR"]);

/** What the packer was writing when a write failed, for the message. */
export interface WriteSite {
  /** What was written, e.g. "the executable dist/app-x86_64-linux". */
  what: string;
  /** The directory whose filesystem refused the write. */
  dir: string;
  /** How to write to another filesystem, e.g. "build into another directory with --out DIR". */
  elsewhere: string;
}

/** The errno code of a failed filesystem call, if the error has one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Whether an error is the disk refusing a write (full, read-only, no permission, I/O, no directory). */
export function isDiskError(error: unknown): boolean {
  const code = errnoCode(error) ?? "";
  return FULL.has(code) || REFUSED.has(code) || MISSING.has(code);
}

/**
 * Turns a failed write into an error naming what was written, where, why and the fix; other
 * errors come back unchanged.
 */
export function diskError(error: unknown, site: WriteSite): unknown {
  const code = errnoCode(error) ?? "";
  const { what, dir, elsewhere } = site;
  if (FULL.has(code)) {
    return new EnvironmentError(
      `cannot write ${what}: the disk is full (${code}: no space left in ${dir})`,
      {
        fix: `free space on the filesystem of ${dir} (\`df -h ${dir}\`), or ${elsewhere}`,
        cause: error,
      },
    );
  }
  if (MISSING.has(code)) {
    const state = code === "ENOENT" ? "does not exist" : "is not a directory";
    return new EnvironmentError(`cannot write ${what}: ${dir} ${state} (${code})`, {
      fix: `create ${dir}, or ${elsewhere}`,
      cause: error,
    });
  }
  if (REFUSED.has(code)) {
    const check = code === "EIO" ? `check the disk of ${dir} (\`dmesg\`)` : `make ${dir} writable`;
    return new EnvironmentError(`cannot write ${what}: ${reason(code)} (${code} in ${dir})`, {
      fix: `${check}, or ${elsewhere}`,
      cause: error,
    });
  }
  return error;
}

function reason(code: string): string {
  if (code === "EROFS") return "the filesystem is read-only";
  if (code === "EIO") return "the disk reported an I/O error";
  return "permission denied";
}
