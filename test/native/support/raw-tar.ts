/**
 * Hand-made tar blocks for hostile layers: headers tar-stream would refuse to write
 * (oversized pax and long-name records, "..", absolute names) with a correct checksum.
 */
export interface RawEntry {
  name: string;
  /** The tar type flag: "0" file, "1" hard link, "2" symlink, "3" char device, "5" dir, "x" pax, "L" long name. */
  type: string;
  linkname?: string;
  mode?: number;
  uid?: number;
  /** Data bytes; `size` can claim more than is given (the rest is zeros). */
  data?: Buffer;
  size?: number;
  devmajor?: number;
  devminor?: number;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

/** One header block plus its data, padded to 512 bytes. */
export function rawEntry(e: RawEntry): Buffer {
  const h = Buffer.alloc(512);
  const data = e.data ?? Buffer.alloc(0);
  const size = e.size ?? data.length;
  h.write(e.name.slice(0, 100), 0, "binary");
  h.write(octal(e.mode ?? 0o644, 8), 100);
  h.write(octal(e.uid ?? 0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(0, 12), 136);
  h.write(e.type, 156);
  h.write((e.linkname ?? "").slice(0, 100), 157, "binary");
  h.write("ustar\u000000", 257, "binary");
  h.write(octal(e.devmajor ?? 0, 8), 329);
  h.write(octal(e.devminor ?? 0, 8), 337);
  h.fill(" ", 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  const body = Buffer.alloc(Math.ceil(size / 512) * 512);
  data.copy(body);
  return Buffer.concat([h, body]);
}

/** A whole tar: the entries and the two zero blocks that end an archive. */
export function rawTar(entries: RawEntry[]): Buffer {
  return Buffer.concat([...entries.map(rawEntry), Buffer.alloc(1024)]);
}
