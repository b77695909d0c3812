/**
 * The runtime's units on real and hostile input, through the native test driver
 * (native/build/chefer-native-test): SHA-256 against node's, the JSON parser's grammar, the
 * footer and manifest checks on an executable written by the real packer.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { busyboxLayer, buildApp, driverBin, makeLayer, workDir } from "./support/app.js";

const skip = existsSync(driverBin)
  ? false
  : "native/build/chefer-native-test is missing; run `make -C native`";

function driver(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(driverBin, args, { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("sha256", { skip }, () => {
  it("matches node's SHA-256 on inputs around the block boundaries", () => {
    const dir = workDir("sha");
    for (const size of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
      const data = randomBytes(size);
      const file = join(dir, `in-${size}`);
      writeFileSync(file, data);
      const want = createHash("sha256").update(data).digest("hex");
      assert.equal(driver("sha256", file).stdout.trim(), want, `size ${size}`);
    }
  });
});

describe("json", { skip }, () => {
  const dir = workDir("json");
  const parse = (text: string | Buffer) => {
    const file = join(dir, "in.json");
    writeFileSync(file, text);
    return driver("json", file);
  };

  it("parses nested values, escapes and surrogate pairs", () => {
    const r = parse('{"a":[1,-2.5e3,true,null],"b":"x\\u00e9\\ud83d\\ude00\\n","c":{}}');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "{a=[1,-2500,true,null],b=s8:xé😀\n,c={}}");
  });

  for (const [name, text] of [
    ["a trailing comma", "[1,]"],
    ["a duplicate key", '{"a":1,"a":2}'],
    ["a NUL escape", '"\\u0000"'],
    ["a lone surrogate", '"\\ud800"'],
    ["a leading zero", "01"],
    ["trailing characters", "{} x"],
    ["an unterminated string", '"abc'],
    ["a raw control character", '"a\tb"'],
    ["deep nesting", "[".repeat(100) + "]".repeat(100)],
  ] as const) {
    it(`rejects ${name} with the byte offset`, () => {
      const r = parse(text);
      assert.equal(r.code, 5);
      assert.match(r.stderr, /^error: parse manifest: .+ at byte \d+\n/);
    });
  }

  it("rejects invalid UTF-8", () => {
    const r = parse(Buffer.from([0x22, 0xc3, 0x28, 0x22]));
    assert.equal(r.code, 5);
    assert.match(r.stderr, /invalid UTF-8/);
  });

  it("survives random bytes without crashing", () => {
    for (let i = 0; i < 50; i++) {
      const r = parse(randomBytes(1 + ((i * 37) % 300)));
      assert.ok(r.code === 0 || r.code === 5, `exit ${String(r.code)}: ${r.stderr}`);
    }
  });
});

describe("footer and manifest", { skip }, () => {
  let exe = "";
  let bytes = Buffer.alloc(0);
  let dir = "";

  before(async () => {
    dir = workDir("footer");
    exe = await buildApp(dir, "units", [
      { name: "main", layers: [await busyboxLayer()], config: { Cmd: ["/bin/true"] } },
    ]);
    bytes = readFileSync(exe);
  });

  it("reads the packer's footer and manifest and verifies every blob", () => {
    const r = driver("manifest", exe);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^app units\nblobs 1\nservices 1\nservice main layers 1\n$/);
    const b = driver("blobs", exe);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /^blob [0-9a-f]{64} ok\n$/);
  });

  it("rejects a file with bytes appended or cut off", () => {
    const longer = join(dir, "longer");
    writeFileSync(longer, Buffer.concat([bytes, Buffer.from("x")]));
    assert.match(driver("manifest", longer).stderr, /not a chefer executable/);
    const shorter = join(dir, "shorter");
    writeFileSync(shorter, bytes.subarray(0, bytes.length - 1));
    assert.match(driver("manifest", shorter).stderr, /not a chefer executable/);
  });

  it("gives a clear error, never a crash, for a flipped byte anywhere in the payload", () => {
    const footerAt = bytes.length - 96;
    const manifestAt = Number(bytes.readBigUInt64LE(footerAt + 24));
    const payloadAt = Number(bytes.readBigUInt64LE(footerAt + 16));
    const offsets = [
      ...Array.from({ length: 96 }, (_, i) => footerAt + i),
      ...Array.from(
        { length: 12 },
        (_, i) => manifestAt + Math.floor(((footerAt - manifestAt) * i) / 12),
      ),
      ...Array.from(
        { length: 12 },
        (_, i) => payloadAt + Math.floor(((manifestAt - payloadAt) * i) / 12),
      ),
    ];
    const file = join(dir, "flipped");
    for (const at of offsets) {
      const copy = Buffer.from(bytes);
      copy[at] = (copy[at] as number) ^ 0x41;
      writeFileSync(file, copy);
      const r = driver("blobs", file);
      assert.ok(
        r.code === 5 || (r.code === 0 && at >= footerAt + 80 && at < footerAt + 88),
        `offset ${at}: exit ${String(r.code)} ${r.stderr}`,
      );
      if (r.code === 5) assert.match(r.stderr, /^error: [a-z]/, `offset ${at}`);
    }
  });
});

describe("a blob of several frames", { skip }, () => {
  it("verifies and decompresses every frame in order, and names a damaged one", async () => {
    const dir = workDir("frames");
    const big = await makeLayer([{ name: "big", content: randomBytes(9 * 1024 * 1024) }]);
    const exe = await buildApp(dir, "frames", [
      { name: "main", layers: [await busyboxLayer(), big], config: { Cmd: ["/bin/true"] } },
    ]);
    const ok = driver("blobs", exe);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.split("\n").filter(Boolean).length, 2);
    const bytes = readFileSync(exe);
    const payloadAt = Number(bytes.readBigUInt64LE(bytes.length - 96 + 16));
    const manifest = JSON.parse(
      bytes
        .subarray(Number(bytes.readBigUInt64LE(bytes.length - 96 + 24)), bytes.length - 96)
        .toString(),
    ) as { blobs: { offset: number; frames: { csize: number }[] }[] };
    const blob = manifest.blobs.find((b) => b.frames.length === 3);
    assert.ok(blob, "the big layer has three frames");
    const third =
      payloadAt + blob.offset + (blob.frames[0]?.csize ?? 0) + (blob.frames[1]?.csize ?? 0) + 10;
    bytes[third] = (bytes[third] as number) ^ 1;
    const damaged = join(dir, "damaged");
    writeFileSync(damaged, bytes);
    const r = driver("blobs", damaged);
    assert.equal(r.code, 5);
    assert.match(
      r.stderr,
      /^error: verify blob [0-9a-f]{12} frame 2: damaged \(SHA-256 mismatch\)$/m,
    );
  });
});
