import { dirname } from "node:path";
import { EnvironmentError } from "../util/errors.js";

/** errno codes that mean the filesystem is out of room for this write. */
const FULL = new Set(["ENOSPC", "EDQUOT", "EFBIG"]);

/** errno codes that mean the filesystem refuses the write. */
const REFUSED = new Set(["EROFS", "EACCES", "EPERM", "EIO"]);

/** A file the packer writes, for a message when writing it fails. */
export interface WriteSite {
  /** The file being written. */
  path: string;
  /** What the file is, e.g. "the executable", "the exported image". */
  what: string;
  /** How to put the file on another filesystem, e.g. "build with --out on another disk". */
  elsewhere: string;
}

/** The errno code of a failed filesystem call, if the error has one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** Whether an error is the disk refusing a write (full, read-only, no permission, I/O). */
export function isDiskError(error: unknown): boolean {
  const code = errnoCode(error) ?? "";
  return FULL.has(code) || REFUSED.has(code);
}

/**
 * Turns a failed write into an error naming the file, the reason and the fix; other errors
 * come back unchanged.
 */
export function diskError(error: unknown, site: WriteSite): unknown {
  const code = errnoCode(error) ?? "";
  const dir = dirname(site.path);
  if (FULL.has(code)) {
    return new EnvironmentError(
      `cannot write ${site.what} ${site.path}: the disk is full (${code}: no space left in ${dir})`,
      {
        fix: `free space on the filesystem of ${dir} (\`df -h ${dir}\`), or ${site.elsewhere}`,
        cause: error,
      },
    );
  }
  if (REFUSED.has(code)) {
    return new EnvironmentError(
      `cannot write ${site.what} ${site.path}: ${reason(code)} (${code})`,
      {
        fix: `${code === "EIO" ? `check the disk of ${dir} (\`dmesg\`)` : `make ${dir} writable`}, or ${site.elsewhere}`,
        cause: error,
      },
    );
  }
  return error;
}

function reason(code: string): string {
  if (code === "EROFS") return "the filesystem is read-only";
  if (code === "EIO") return "the disk reported an I/O error";
  return "permission denied";
}
