/**
 * The seed corpora of the native fuzz targets (native/fuzz/corpus/<target>/), generated here
 * so that every seed is small, valid where it should be and reproducible. Regenerate with
 * `node --import tsx test/fuzz/native-seeds.ts`; native.test.ts checks the committed files
 * match what this writes.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export type Seeds = Map<string, Buffer>;

export const nativeFuzzDir = fileURLToPath(new URL("../../native/fuzz", import.meta.url));
export const CANARY = "/tmp/chefer-fuzz-canary";

function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** A blob entry of the manifest for content stored as one frame of the given bytes. */
function blobEntry(content: string, frame: Buffer, offset: number, media: string): object {
  return {
    digest: `sha256:${sha256(content)}`,
    media,
    offset,
    size: frame.length,
    usize: content.length,
    frames: [{ csize: frame.length, usize: content.length, sha256: sha256(frame) }],
  };
}

function service(name: string, layer: string, extra: object = {}): object {
  return {
    name,
    platform: "linux/amd64",
    layers: [layer],
    entrypoint: [],
    cmd: ["/bin/sh", "-c", "echo hi"],
    env: ["PATH=/usr/bin:/bin"],
    workdir: "/",
    user: "",
    mounts: [],
    files: [],
    ports: [],
    expose: [],
    interface_mode: "none",
    depends_on: [],
    healthcheck: null,
    restart: { policy: "no", max_retries: 0 },
    stop_signal: "SIGTERM",
    stop_grace_period_ms: 10000,
    hostname: name,
    aliases: [],
    extra_hosts: [],
    init: false,
    gpu: false,
    ...extra,
  };
}

const LAYER = "layer content";
const LAYER_FRAME = Buffer.from("frame of the layer");
const FILE = "listen 8080\n";
const FILE_FRAME = Buffer.from("frame of the file");

function manifest(services: object[], volumes: string[] = []): object {
  const layer = blobEntry(LAYER, LAYER_FRAME, 0, "layer");
  const file = blobEntry(FILE, FILE_FRAME, LAYER_FRAME.length, "file");
  return {
    format_version: 1,
    chunk_size: 4194304,
    builder: "chefer 0.1.0",
    target: "x86_64-linux",
    app: {
      name: "demo",
      app_version: "1.0.0",
      data_dir: null,
      old_names: [],
      crash: "fail_fast",
      network: "bridge",
      console: "auto",
    },
    volumes,
    blobs: [layer, file],
    services,
  };
}

const layerDigest = `sha256:${sha256(LAYER)}`;
const fileDigest = `sha256:${sha256(FILE)}`;

/** Valid manifests: one service, several with mounts, baked files and extra hosts. */
export function manifestSeeds(): Seeds {
  const full = service("web", layerDigest, {
    mounts: [
      { type: "volume", source: "data", target: "/data", read_only: false },
      { type: "bind", source: "/srv/app", target: "/app", read_only: true },
      { type: "tmpfs", target: "/tmp", read_only: false, size: 65536, mode: 1023 },
    ],
    files: [{ target: "/etc/app.conf", blob: fileDigest, mode: 420, uid: 0, gid: 0 }],
    depends_on: [{ service: "db", condition: "service_started", required: true }],
    extra_hosts: [{ host: "host.internal", ip: "10.0.2.2" }],
    ports: [
      {
        host_ip: "127.0.0.1",
        host_start: 18080,
        host_end: 18081,
        container_start: 8080,
        container_end: 8081,
        protocol: "tcp",
      },
    ],
    aliases: ["www", "front"],
    entrypoint: ["/entry"],
    init: true,
  });
  const seeds: Seeds = new Map();
  seeds.set("minimal.json", json(manifest([service("app", layerDigest)])));
  seeds.set("full.json", json(manifest([full, service("db", layerDigest)], ["data"])));
  seeds.set("compact.json", Buffer.from(JSON.stringify(manifest([full], ["data"]))));
  return seeds;
}

function json(value: object): Buffer {
  return Buffer.from(JSON.stringify(value, null, 2) + "\n");
}

/** JSON the parser must take or refuse cleanly, beyond what a manifest uses. */
export function jsonSeeds(): Seeds {
  const seeds = manifestSeeds();
  const texts: Record<string, string> = {
    "scalars.json": '[null, true, false, 0, -0, 1.5e3, -2E-2, 9007199254740991, ""]',
    "escapes.json": '{"a": "\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/", "b": "caf\u00e9 \u{1f600}"}',
    "nested.json": "[".repeat(40) + "{}" + "]".repeat(40),
    "objects.json": '{"k": {"k": {"k": [1, {"x": null}]}}, "e": {}, "l": []}',
    "spaces.json": ' \t\r\n{ "a" : [ 1 , 2 ] } \n',
    "too-deep.json": "[".repeat(2000),
  };
  for (const [name, text] of Object.entries(texts)) seeds.set(name, Buffer.from(text));
  seeds.set(
    "bad-utf8.json",
    Buffer.from('["\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80"]', "latin1"),
  );
  return seeds;
}

const MAGIC = Buffer.from([0x89, 0x43, 0x48, 0x45, 0x46, 0x45, 0x52, 0x0a]);
const END_MAGIC = Buffer.from("CHEFEND\0", "latin1");

/** An executable as docs/format.md lays it out: runtime, payload, manifest, footer. */
export function executable(runtime: Buffer, payload: Buffer, manifestText: Buffer): Buffer {
  const footer = Buffer.alloc(96);
  const manifestOffset = runtime.length + payload.length;
  MAGIC.copy(footer, 0);
  footer.writeUInt32LE(1, 8);
  footer.writeUInt32LE(0, 12);
  footer.writeBigUInt64LE(BigInt(runtime.length), 16);
  footer.writeBigUInt64LE(BigInt(manifestOffset), 24);
  footer.writeBigUInt64LE(BigInt(manifestText.length), 32);
  Buffer.from(sha256(manifestText), "hex").copy(footer, 40);
  footer.writeBigUInt64LE(BigInt(manifestOffset + manifestText.length + 96), 72);
  END_MAGIC.copy(footer, 88);
  return Buffer.concat([runtime, payload, manifestText, footer]);
}

export function footerSeeds(): Seeds {
  const runtime = Buffer.from("\x7fELF runtime stand-in\n", "latin1");
  const payload = Buffer.concat([LAYER_FRAME, FILE_FRAME]);
  const seeds: Seeds = new Map();
  for (const [name, text] of manifestSeeds()) {
    seeds.set(name.replace(".json", ".exe"), executable(runtime, payload, text));
  }
  seeds.set("empty-manifest.exe", executable(Buffer.alloc(0), Buffer.alloc(0), Buffer.alloc(0)));
  for (const [name, field, value] of HOSTILE_FOOTERS) {
    const exe = executable(runtime, payload, manifestSeeds().get("minimal.json") as Buffer);
    exe.writeBigUInt64LE(value, exe.length - 96 + field);
    seeds.set(name, exe);
  }
  return seeds;
}

/** Footers whose offsets would wrap or overrun if a reader added them up unchecked. */
const HOSTILE_FOOTERS: [string, number, bigint][] = [
  ["manifest-offset-wraps.exe", 24, 2n ** 64n - 1n],
  ["manifest-size-wraps.exe", 32, 2n ** 64n - 8n],
  ["payload-after-manifest.exe", 16, 2n ** 63n],
  ["file-size-lies.exe", 72, 96n],
];

export interface TarEntry {
  name: string;
  type?: string;
  body?: string;
  link?: string;
  mode?: number;
  uid?: number;
}

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

/** One ustar header block; names over 100 bytes need a pax or GNU record before it. */
export function tarHeader(e: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(e.name.slice(0, 100), 0, "latin1");
  h.write(octal(e.mode ?? 0o644, 8), 100, "latin1");
  h.write(octal(e.uid ?? 0, 8), 108, "latin1");
  h.write(octal(e.uid ?? 0, 8), 116, "latin1");
  h.write(octal(size, 12), 124, "latin1");
  h.write(octal(1700000000, 12), 136, "latin1");
  h.write(e.type ?? "0", 156, "latin1");
  h.write((e.link ?? "").slice(0, 100), 157, "latin1");
  h.write("ustar\x0000", 257, "latin1");
  h.fill(" ", 148, 156);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(octal(sum, 7) + " ", 148, "latin1");
  return h;
}

function pad(body: Buffer): Buffer {
  return Buffer.concat([body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
}

/** A tar stream of the entries, ending with the two zero blocks. */
export function tar(entries: TarEntry[], end = true): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? "", "latin1");
    parts.push(tarHeader(e, body.length), pad(body));
  }
  if (end) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A pax record "len key=value\n", its length counting itself. */
export function paxRecord(key: string, value: string): string {
  const rest = ` ${key}=${value}\n`;
  let len = rest.length + 1;
  while (String(len).length + rest.length !== len) len++;
  return `${len}${rest}`;
}

function ordinaryLayer(): TarEntry[] {
  return [
    { name: "bin/", type: "5", mode: 0o755 },
    { name: "bin/busybox", body: "\x7fELF busybox stand-in", mode: 0o755 },
    { name: "bin/sh", type: "2", link: "busybox" },
    { name: "bin/ls", type: "1", link: "bin/busybox" },
    { name: "etc/hostname", body: "web\n", uid: 1000 },
    { name: "./run/fifo", type: "6", mode: 0o600 },
    { name: "usr/lib/", type: "5", mode: 0o700 },
  ];
}

/** Layers that try to write outside the root, each in a different way. */
export function escapeLayers(): Seeds {
  const layers: Record<string, TarEntry[]> = {
    "dotdot.tar": [{ name: "../escaped", body: "x" }],
    "absolute.tar": [{ name: "/escaped", body: "x" }],
    "symlink-up.tar": [
      { name: "up", type: "2", link: "../../.." },
      { name: "up/escaped", body: "x" },
    ],
    "symlink-canary.tar": [
      { name: "canary", type: "2", link: CANARY },
      { name: "canary/escaped", body: "x" },
    ],
    "symlink-chain.tar": [
      { name: "a", type: "2", link: "b/../.." },
      { name: "b/", type: "5" },
      { name: "a/escaped", type: "5" },
    ],
    "hardlink-out.tar": [{ name: "passwd", type: "1", link: "../../../etc/passwd" }],
    "whiteout-up.tar": [{ name: "dir/.wh...", body: "" }],
  };
  const seeds: Seeds = new Map();
  for (const [name, entries] of Object.entries(layers)) seeds.set(name, tar(entries));
  return seeds;
}

export function tarSeeds(): Seeds {
  const long = "deep/".repeat(30) + "file";
  const seeds: Seeds = new Map([
    ["ordinary.tar", tar(ordinaryLayer())],
    ["no-end-blocks.tar", tar(ordinaryLayer(), false)],
    [
      "whiteouts.tar",
      tar([
        { name: "etc/.wh.hostname" },
        { name: "usr/.wh..wh..opq" },
        { name: ".wh.gone", type: "0" },
      ]),
    ],
    [
      "pax.tar",
      tar([
        { name: "PaxHeaders/x", type: "x", body: paxRecord("path", long) },
        { name: "placeholder", body: "long path" },
        { name: "PaxHeaders/y", type: "x", body: paxRecord("linkpath", long) },
        { name: "link", type: "2" },
        { name: "global", type: "g", body: paxRecord("comment", "ignored") },
      ]),
    ],
    [
      "gnu-long.tar",
      tar([
        { name: "././@LongLink", type: "L", body: long + "\0" },
        { name: "placeholder", body: "gnu long name" },
        { name: "././@LongLink", type: "K", body: long },
        { name: "link2", type: "2" },
      ]),
    ],
    [
      "devices.tar",
      tar([
        { name: "dev/null", type: "3" },
        { name: "dev/sda", type: "4" },
      ]),
    ],
  ]);
  for (const [name, data] of escapeLayers()) seeds.set(name, data);
  return seeds;
}

/** A zstd block header: last flag, type (0 raw, 1 RLE) and size, 3 bytes little-endian. */
function blockHeader(type: number, size: number, last: boolean): Buffer {
  const value = (last ? 1 : 0) | (type << 1) | (size << 3);
  return Buffer.from([value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff]);
}

function rawBlock(data: string, last = true): Buffer {
  return Buffer.concat([blockHeader(0, data.length, last), Buffer.from(data, "latin1")]);
}

function rleBlock(byte: number, size: number, last = true): Buffer {
  return Buffer.concat([blockHeader(1, size, last), Buffer.from([byte])]);
}

/** A single-segment zstd frame declaring contentSize, built by hand from raw and RLE blocks
 * (RFC 8878), so the seeds need no compressor. */
export function zstdFrame(contentSize: number, blocks: Buffer[]): Buffer {
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0, 0, 0, 0, 0]);
  header.writeUInt32LE(contentSize, 5);
  return Buffer.concat([header, ...blocks]);
}

interface SeedFrame {
  bytes: Buffer;
  usize: number;
  /** The csize written in the table when it should lie about the bytes. */
  csize?: number;
}

/** An input of fuzz-blob: flags, frame count, the (csize, usize) table, then the payload. */
export function blobInput(frames: SeedFrame[], hashed = true): Buffer {
  const table = Buffer.alloc(2 + 8 * frames.length);
  table[0] = hashed ? 1 : 0;
  table[1] = frames.length;
  frames.forEach((f, i) => {
    table.writeUInt32LE(f.csize ?? f.bytes.length, 2 + 8 * i);
    table.writeUInt32LE(f.usize, 6 + 8 * i);
  });
  return Buffer.concat([table, ...frames.map((f) => f.bytes)]);
}

/** Frame tables and payloads for blob_read: good blobs of raw and RLE frames, and the
 * hostile ones (decompression bombs, sizes that lie, frames past the end, no hashes). */
export function blobSeeds(): Seeds {
  const hello = "hello, layer";
  const one = { bytes: zstdFrame(hello.length, [rawBlock(hello)]), usize: hello.length };
  const two = zstdFrame(9, [rawBlock("two ", false), rleBlock(0x2d, 5)]);
  const bomb = zstdFrame(1 << 17, [rleBlock(0x41, 1 << 17)]);
  const liar = zstdFrame(16, [rleBlock(0x41, 1 << 17)]);
  const seeds: Seeds = new Map([
    ["one-frame.bin", blobInput([one])],
    ["three-frames.bin", blobInput([one, { bytes: two, usize: 9 }, one])],
    ["empty-frame.bin", blobInput([{ bytes: zstdFrame(0, [rawBlock("")]), usize: 0 }])],
    ["no-frames.bin", blobInput([])],
    ["bomb.bin", blobInput([{ bytes: bomb, usize: 16 }])],
    ["size-lies.bin", blobInput([{ bytes: liar, usize: 16 }])],
    ["usize-too-big.bin", blobInput([{ ...one, usize: 4096 }])],
    ["past-the-end.bin", blobInput([one, { ...one, csize: 40 }])],
    ["unhashed.bin", blobInput([one, one], false)],
    ["not-zstd.bin", blobInput([{ bytes: Buffer.from("plain text, no magic"), usize: 20 }])],
  ]);
  return seeds;
}

export const seedSets: Record<string, () => Seeds> = {
  json: jsonSeeds,
  manifest: manifestSeeds,
  footer: footerSeeds,
  tar: tarSeeds,
  plan: manifestSeeds,
  blob: blobSeeds,
};

/** Writes every target's seeds into dir/<target>/, replacing what was there. */
export function writeSeeds(dir: string): void {
  for (const [target, make] of Object.entries(seedSets)) {
    const out = join(dir, target);
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    for (const [name, data] of make()) writeFileSync(join(out, name), data);
  }
}

/** The file names under dir/<target>/, for comparing a fresh set with the committed one. */
export function listSeeds(dir: string, target: string): string[] {
  return readdirSync(join(dir, target)).sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeSeeds(join(nativeFuzzDir, "corpus"));
  console.error(`seeds written to ${join(nativeFuzzDir, "corpus")}`);
}
