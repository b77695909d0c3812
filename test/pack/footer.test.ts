import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeFooter, encodeFooter, FOOTER_SIZE, type Footer } from "../../src/pack/footer.js";

const sample: Footer = {
  formatVersion: 1,
  flags: 0,
  payloadOffset: 1000,
  manifestOffset: 5000,
  manifestSize: 200,
  manifestSha256: "ab".repeat(32),
  fileSize: 5000 + 200 + FOOTER_SIZE,
};

test("a footer encodes to 96 bytes with both magics and decodes to the same fields", () => {
  const b = encodeFooter(sample);
  assert.equal(b.length, 96);
  assert.equal(b.subarray(0, 8).toString("latin1"), "\x89CHEFER\n");
  assert.equal(b.subarray(88, 96).toString("latin1"), "CHEFEND\0");
  assert.deepEqual(decodeFooter("f", b, sample.fileSize), sample);
});

test("places every field at the offset docs/format.md gives", () => {
  const b = encodeFooter(sample);
  assert.equal(b.readUInt32LE(8), 1);
  assert.equal(b.readBigUInt64LE(16), 1000n);
  assert.equal(b.readBigUInt64LE(24), 5000n);
  assert.equal(b.readBigUInt64LE(32), 200n);
  assert.equal(b.subarray(40, 72).toString("hex"), "ab".repeat(32));
  assert.equal(b.readBigUInt64LE(72), BigInt(sample.fileSize));
  assert.equal(b.readBigUInt64LE(80), 0n);
});

test("rejects a file without the magic as not a chefer executable", () => {
  assert.throws(() => decodeFooter("f", Buffer.alloc(96), 500), /f: not a chefer executable/);
  assert.throws(
    () => decodeFooter("f", Buffer.alloc(10), 10),
    /not a chefer executable: the file is too short/,
  );
});

test("names both versions when the format version is unknown", () => {
  const b = encodeFooter({ ...sample, formatVersion: 2 });
  assert.throws(
    () => decodeFooter("f", b, sample.fileSize),
    /unsupported format version: .*format 2.*format 1/,
  );
});

test("rejects unknown flags", () => {
  const b = encodeFooter({ ...sample, flags: 4 });
  assert.throws(() => decodeFooter("f", b, sample.fileSize), /unknown footer flags 0x4/);
});

test("reports a file shorter than its footer records as truncated", () => {
  const b = encodeFooter(sample);
  assert.throws(() => decodeFooter("f", b, sample.fileSize - 10), /f: truncated/);
  assert.throws(() => decodeFooter("f", b, sample.fileSize + 10), /f: damaged/);
});

test("rejects a manifest that does not end where the footer starts", () => {
  const b = encodeFooter({ ...sample, manifestSize: 199 });
  assert.throws(
    () => decodeFooter("f", b, sample.fileSize),
    /damaged footer: the manifest does not end/,
  );
});

test("rejects a manifest over 64 MiB", () => {
  const size = 65 * 1024 * 1024;
  const f = { ...sample, manifestOffset: 1000, manifestSize: size, fileSize: 1000 + size + 96 };
  assert.throws(() => decodeFooter("f", encodeFooter(f), f.fileSize), /over the 64 MiB limit/);
});
