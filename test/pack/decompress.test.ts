import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { compress } from "@mongodb-js/zstd";
import { decompressedStream, sniffCompression } from "../../src/pack/decompress.js";

async function drain(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** Feeds bytes in small pieces, as a network stream would. */
function trickle(b: Buffer): Readable {
  return Readable.from(
    Array.from({ length: Math.ceil(b.length / 3) }, (_, i) => b.subarray(i * 3, i * 3 + 3)),
  );
}

const data = Buffer.from("layer content ".repeat(5000));

test("recognizes gzip, zstd and plain data by their first bytes", async () => {
  assert.equal(sniffCompression(gzipSync(data)), "gzip");
  assert.equal(sniffCompression(await compress(data)), "zstd");
  assert.equal(sniffCompression(data), "none");
});

test("decompresses gzip, zstd and plain streams that arrive a few bytes at a time", async () => {
  for (const stored of [gzipSync(data), await compress(data), data]) {
    assert.deepEqual(await drain(decompressedStream(trickle(stored), "t")), data);
  }
});

test("a damaged gzip layer is a user error naming the layer", async () => {
  const bad = gzipSync(data).subarray(0, 40);
  await assert.rejects(
    drain(decompressedStream(Readable.from([bad]), "img.tar: 1/layer.tar")),
    /img\.tar: 1\/layer\.tar: the gzip layer is damaged/,
  );
});

test("without the zstd command a zstd layer fails with how to install it", async () => {
  const saved = process.env.PATH;
  process.env.PATH = "/nonexistent";
  try {
    await assert.rejects(
      drain(decompressedStream(Readable.from([await compress(data)]), "t")),
      (e: Error & { fix?: string }) => {
        assert.match(e.message, /cannot run `zstd`/);
        assert.match(e.fix ?? "", /apt-get install zstd/);
        return true;
      },
    );
  } finally {
    process.env.PATH = saved;
  }
});
