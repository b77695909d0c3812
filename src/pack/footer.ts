import type { FileHandle } from "node:fs/promises";
import { UserError } from "../util/errors.js";

/** The fixed trailer of every executable; docs/format.md "Footer" is the contract. */
export const FOOTER_SIZE = 96;
export const FORMAT_VERSION = 1;
export const MAX_MANIFEST_SIZE = 64 * 1024 * 1024;

const MAGIC = Buffer.from([0x89, 0x43, 0x48, 0x45, 0x46, 0x45, 0x52, 0x0a]);
const END_MAGIC = Buffer.from("CHEFEND\0", "latin1");

export interface Footer {
  formatVersion: number;
  flags: number;
  payloadOffset: number;
  manifestOffset: number;
  manifestSize: number;
  /** Hex SHA-256 of the manifest bytes. */
  manifestSha256: string;
  fileSize: number;
}

/** Encodes a footer as its 96 bytes. */
export function encodeFooter(f: Footer): Buffer {
  const b = Buffer.alloc(FOOTER_SIZE);
  MAGIC.copy(b, 0);
  b.writeUInt32LE(f.formatVersion, 8);
  b.writeUInt32LE(f.flags, 12);
  b.writeBigUInt64LE(BigInt(f.payloadOffset), 16);
  b.writeBigUInt64LE(BigInt(f.manifestOffset), 24);
  b.writeBigUInt64LE(BigInt(f.manifestSize), 32);
  Buffer.from(f.manifestSha256, "hex").copy(b, 40);
  b.writeBigUInt64LE(BigInt(f.fileSize), 72);
  END_MAGIC.copy(b, 88);
  return b;
}

/** Why a file is not a readable executable; `check` names the failed check of docs/format.md. */
export class FormatError extends UserError {
  constructor(file: string, check: string, detail: string, fix: string) {
    super(`${file}: ${check}: ${detail}`, { fix });
    this.name = "FormatError";
  }
}

/**
 * Decodes and checks the last 96 bytes of a file, in the order docs/format.md lists.
 * The manifest hash is checked later, by whoever reads the manifest.
 */
export function decodeFooter(file: string, b: Buffer, realSize: number): Footer {
  const foreign = (detail: string) =>
    new FormatError(
      file,
      "not a chefer executable",
      detail,
      "pass a file written by `chefer build`",
    );
  if (realSize < FOOTER_SIZE || b.length < FOOTER_SIZE) throw foreign("the file is too short");
  if (!b.subarray(0, 8).equals(MAGIC) || !b.subarray(88, 96).equals(END_MAGIC)) {
    throw foreign("no chefer footer at its end");
  }
  const f = readFields(b);
  checkVersion(file, f);
  checkBounds(file, f, realSize);
  return f;
}

function readFields(b: Buffer): Footer {
  return {
    formatVersion: b.readUInt32LE(8),
    flags: b.readUInt32LE(12),
    payloadOffset: Number(b.readBigUInt64LE(16)),
    manifestOffset: Number(b.readBigUInt64LE(24)),
    manifestSize: Number(b.readBigUInt64LE(32)),
    manifestSha256: b.subarray(40, 72).toString("hex"),
    fileSize: Number(b.readBigUInt64LE(72)),
  };
}

function checkVersion(file: string, f: Footer): void {
  if (f.formatVersion !== FORMAT_VERSION) {
    throw new FormatError(
      file,
      "unsupported format version",
      `the file uses executable format ${f.formatVersion}; this chefer reads format ${FORMAT_VERSION}`,
      "rebuild the app with a chefer that matches, or use the chefer that built it",
    );
  }
  if (f.flags !== 0) {
    throw new FormatError(
      file,
      "unsupported format version",
      `unknown footer flags 0x${f.flags.toString(16)}`,
      "use the chefer that built this file",
    );
  }
}

function checkBounds(file: string, f: Footer, realSize: number): void {
  const fail = (check: string, detail: string) =>
    new FormatError(
      file,
      check,
      detail,
      "copy or download the file again; it was damaged in transit",
    );
  if (f.fileSize !== realSize) {
    const what = realSize < f.fileSize ? "truncated" : "damaged";
    throw fail(what, `the footer records ${f.fileSize} bytes but the file has ${realSize}`);
  }
  if (f.payloadOffset > f.manifestOffset)
    throw fail("damaged footer", "payload starts after the manifest");
  if (f.manifestOffset + f.manifestSize !== realSize - FOOTER_SIZE) {
    throw fail("damaged footer", "the manifest does not end where the footer starts");
  }
  if (f.manifestSize > MAX_MANIFEST_SIZE) {
    throw fail(
      "damaged footer",
      `the manifest claims ${f.manifestSize} bytes, over the 64 MiB limit`,
    );
  }
}

/** How far into a file to look for a runtime when its footer is missing. */
const RUNTIME_SCAN = 16 * 1024 * 1024;

/**
 * Reads and checks the footer of an open file. A file without a footer whose start holds
 * both magics (the runtime carries them, since it checks them) is a chefer executable cut
 * short: that reads as "truncated", not as a foreign file.
 */
export async function readFooter(file: string, fh: FileHandle): Promise<Footer> {
  const { size } = await fh.stat();
  const b = Buffer.alloc(FOOTER_SIZE);
  if (size >= FOOTER_SIZE) await fh.read(b, 0, FOOTER_SIZE, size - FOOTER_SIZE);
  try {
    return decodeFooter(file, b, size);
  } catch (error) {
    if (error instanceof FormatError && error.message.includes("not a chefer executable")) {
      if (await startsLikeExecutable(fh, size)) {
        throw new FormatError(
          file,
          "truncated",
          "it starts like a chefer executable but its footer is missing",
          "copy or download the file again; it was cut short",
        );
      }
    }
    throw error;
  }
}

async function startsLikeExecutable(fh: FileHandle, size: number): Promise<boolean> {
  const head = Buffer.alloc(Math.min(size, RUNTIME_SCAN));
  await fh.read(head, 0, head.length, 0);
  return head.includes(MAGIC) && head.includes(END_MAGIC);
}
