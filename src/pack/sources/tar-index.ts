import { createReadStream } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { posix } from "node:path";
import { Readable } from "node:stream";
import { UserError } from "../../util/errors.js";

/** One member of a tar file: where its data sits, so it can be read without unpacking. */
export interface TarMember {
  name: string;
  type: "file" | "dir" | "symlink" | "hardlink" | "other";
  offset: number;
  size: number;
  link: string;
}

const BLOCK = 512;

/**
 * Lists the members of a tar file by reading only its headers, so an archive of any size
 * costs one pass of small reads. Understands ustar, pax (`path`, `size`) and GNU long names.
 */
export async function indexTar(file: string): Promise<Map<string, TarMember>> {
  const fh = await open(file, "r");
  try {
    return await walkHeaders(fh, file, (await fh.stat()).size);
  } finally {
    await fh.close();
  }
}

async function walkHeaders(
  fh: FileHandle,
  file: string,
  total: number,
): Promise<Map<string, TarMember>> {
  const members = new Map<string, TarMember>();
  const header = Buffer.alloc(BLOCK);
  let pos = 0;
  let pending: { path?: string; size?: number } = {};
  while (pos + BLOCK <= total) {
    await fh.read(header, 0, BLOCK, pos);
    if (header.every((b) => b === 0)) break;
    const size = pending.size ?? parseSize(header.subarray(124, 136), file);
    const flag = String.fromCharCode(header[156] ?? 0);
    const dataAt = pos + BLOCK;
    pos = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === "x" || flag === "L" || flag === "g") {
      const data = Buffer.alloc(size);
      await fh.read(data, 0, size, dataAt);
      if (flag === "x") pending = parsePax(data);
      if (flag === "L") pending = { ...pending, path: cString(data) };
      continue;
    }
    const name = normalize(pending.path ?? ustarName(header));
    pending = {};
    if (dataAt + size > total) throw truncated(file, name, dataAt + size, total);
    members.set(name, {
      name,
      type: memberType(flag),
      offset: dataAt,
      size,
      link: cString(header.subarray(157, 257)),
    });
  }
  return members;
}

function truncated(file: string, name: string, needs: number, total: number): UserError {
  return new UserError(
    `${file}: the archive is truncated: ${name} ends at byte ${needs}, but the file has ${total}`,
    {
      fix: "copy or export the archive again (`docker save -o FILE IMAGE`); this copy was cut short",
    },
  );
}

function ustarName(h: Buffer): string {
  const name = cString(h.subarray(0, 100));
  const magic = h.subarray(257, 263).toString("latin1");
  const prefix = magic.startsWith("ustar") ? cString(h.subarray(345, 500)) : "";
  return prefix ? `${prefix}/${name}` : name;
}

function memberType(flag: string): TarMember["type"] {
  if (flag === "0" || flag === "\0" || flag === "7") return "file";
  if (flag === "5") return "dir";
  if (flag === "2") return "symlink";
  if (flag === "1") return "hardlink";
  return "other";
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString("utf8");
}

/** Octal, or GNU base-256 when the high bit of the first byte is set. */
function parseSize(field: Buffer, file: string): number {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] ?? 0);
    return n;
  }
  const text = cString(field).trim();
  const n = text === "" ? 0 : parseInt(text, 8);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new UserError(`${file}: not a tar archive (bad member size "${text}")`, {
      fix: "pass a `docker save` archive, an OCI archive or an OCI layout directory",
    });
  }
  return n;
}

function parsePax(data: Buffer): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const len = parseInt(data.subarray(at, space).toString("latin1"), 10);
    if (!(len > 0)) break;
    const record = data.subarray(space + 1, at + len - 1).toString("utf8");
    const eq = record.indexOf("=");
    const key = record.slice(0, eq);
    if (key === "path") out.path = record.slice(eq + 1);
    if (key === "size") out.size = Number(record.slice(eq + 1));
    at += len;
  }
  return out;
}

function normalize(name: string): string {
  return posix
    .normalize(name)
    .replace(/^(\.\/)+/, "")
    .replace(/\/$/, "");
}

/** Follows symlinks and hard links inside the archive (docker save links repeated layers). */
export function resolveMember(
  members: Map<string, TarMember>,
  name: string,
): TarMember | undefined {
  let current = members.get(normalize(name));
  for (let hops = 0; current && hops < 16; hops++) {
    if (current.type === "hardlink") current = members.get(normalize(current.link));
    else if (current.type === "symlink") {
      current = members.get(normalize(posix.join(posix.dirname(current.name), current.link)));
    } else return current;
  }
  return undefined;
}

/** Reads a member's bytes as a stream straight from the archive file. */
export function openMember(file: string, m: TarMember): Readable {
  if (m.size === 0) return Readable.from([]);
  return createReadStream(file, { start: m.offset, end: m.offset + m.size - 1 });
}
