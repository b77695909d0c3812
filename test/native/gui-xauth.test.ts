/**
 * The X authority copy a GUI service gets (native/src/gui.c), through the native test driver:
 * the entries for the user's display turned into FamilyWild ones, since a service's hostname
 * is not the host's; the file is input, so a damaged one is reported, never a crash.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { driverBin, workDir } from "./support/app.js";

const skip = existsSync(driverBin)
  ? false
  : "native/build/chefer-native-test is missing; run `make -C native`";

const LOCAL = 256;
const INTERNET = 0;
const WILD = 0xffff;
const cookie = Buffer.from("00112233445566778899aabbccddeeff", "hex");

function field(value: string | Buffer): Buffer {
  const bytes = typeof value === "string" ? Buffer.from(value) : value;
  const len = Buffer.alloc(2);
  len.writeUInt16BE(bytes.length);
  return Buffer.concat([len, bytes]);
}

/** One Xauthority entry: family, then address, display number, auth name and auth data. */
function entry(family: number, address: string | Buffer, number: string, data = cookie): Buffer {
  const head = Buffer.alloc(2);
  head.writeUInt16BE(family);
  const fields = [address, number, "MIT-MAGIC-COOKIE-1", data].map(field);
  return Buffer.concat([head, ...fields]);
}

function filter(input: Buffer, number: string, kind: "local" | "tcp") {
  const dir = workDir("xauth");
  const file = join(dir, "in");
  const out = join(dir, "out");
  writeFileSync(file, input);
  const r = spawnSync(driverBin, ["xauth", file, number, kind, out], { encoding: "utf8" });
  const kept = existsSync(out) ? readFileSync(out) : Buffer.alloc(0);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, kept, out };
}

describe("X authority copy", { skip }, () => {
  const file = Buffer.concat([
    entry(LOCAL, "build-host", "5"),
    entry(LOCAL, "build-host", "6"),
    entry(INTERNET, Buffer.from([10, 1, 2, 3]), "5"),
    entry(LOCAL, "build-host", "55"),
  ]);

  it("keeps only the local display's entries and makes them FamilyWild", () => {
    const r = filter(file, "5", "local");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "1");
    assert.deepEqual(r.kept, entry(WILD, "build-host", "5"));
  });

  it("keeps every family for a display over TCP, making only FamilyLocal ones FamilyWild", () => {
    const r = filter(file, "5", "tcp");
    assert.equal(r.stdout.trim(), "2");
    const want = [entry(WILD, "build-host", "5"), entry(INTERNET, Buffer.from([10, 1, 2, 3]), "5")];
    assert.deepEqual(r.kept, Buffer.concat(want));
  });

  it("writes a file xauth itself reads as a wildcard entry", { skip: hasXauth() }, () => {
    const r = filter(file, "5", "local");
    const list = spawnSync("xauth", ["-f", r.out, "list"], { encoding: "utf8" });
    assert.match(list.stdout, /^#ffff#[0-9a-f]+#:5 {2}MIT-MAGIC-COOKIE-1 {2}0011/);
  });

  it("keeps nothing from an empty file", () => {
    const r = filter(Buffer.alloc(0), "5", "local");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "0");
  });

  it("names the byte where a truncated entry starts", () => {
    const good = entry(LOCAL, "build-host", "5");
    const r = filter(Buffer.concat([good, good.subarray(0, 9)]), "5", "local");
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`malformed entry at byte ${good.length}`));
  });

  it("rejects lengths that run past the end without reading beyond it", () => {
    for (const bad of [
      Buffer.from([0x01]),
      Buffer.from([0x01, 0x00, 0xff, 0xff, 0x41]),
      Buffer.concat([entry(LOCAL, "h", "5").subarray(0, -1)]),
      Buffer.from([0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x35, 0x00, 0x00, 0xff, 0xff]),
    ]) {
      const r = filter(bad, "5", "local");
      assert.notEqual(r.code, 0, `accepted ${bad.toString("hex")}`);
      assert.match(r.stderr, /malformed entry at byte 0/);
    }
  });
});

function hasXauth(): string | false {
  return spawnSync("sh", ["-c", "command -v xauth"]).status === 0 ? false : "xauth is missing";
}
