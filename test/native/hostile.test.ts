/**
 * Hostile layers: every kind of path escape, oversized headers, device nodes and set-id
 * files, extracted by the runtime's tar unit (through the test driver) into a directory
 * beside a "host" directory the layer tries to reach. Nothing may appear outside the root,
 * and refused layers end with a clear error naming the entry.
 */
import { describe, it, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { driverBin, workDir } from "./support/app.js";
import { rawTar, type RawEntry } from "./support/raw-tar.js";

const skip = existsSync(driverBin)
  ? false
  : "native/build/chefer-native-test is missing; run `make -C native`";

describe("extracting a hostile layer", { skip }, () => {
  let base = "";
  let root = "";
  let host = "";

  beforeEach(() => {
    base = workDir("hostile");
    root = join(base, "root");
    host = join(base, "host");
    mkdirSync(root);
    mkdirSync(host);
  });

  const extract = (entries: RawEntry[]) => {
    const file = join(base, "layer.tar");
    writeFileSync(file, rawTar(entries));
    const r = spawnSync(driverBin, ["extract", file, root], { encoding: "utf8" });
    return { code: r.status, stderr: r.stderr };
  };
  const hostUntouched = () =>
    assert.deepEqual(readdirSync(host), [], "the layer wrote outside the root");
  const file = (name: string, extra: Partial<RawEntry> = {}): RawEntry => ({
    name,
    type: "0",
    data: Buffer.from("pwned\n"),
    ...extra,
  });

  it("refuses a name with .. and names the entry", () => {
    const r = extract([file("../host/pwned")]);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /entry "\.\.\/host\/pwned" has a "\.\." component\n {2}fix: /);
    hostUntouched();
  });

  it("refuses an absolute name", () => {
    const r = extract([file(`${host}/pwned`)]);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /has an absolute path/);
    hostUntouched();
  });

  // Links are made per test: `host` is only known once beforeEach has run.
  const escapes: [string, () => RawEntry[]][] = [
    ["an absolute symlink", () => [{ name: "link", type: "2", linkname: host }]],
    [
      "a relative symlink out of the root",
      () => [{ name: "link", type: "2", linkname: "../host" }],
    ],
    [
      "a chain of symlinks",
      () => [
        { name: "a", type: "2", linkname: "b" },
        { name: "b", type: "2", linkname: `../../../../../../../..${host}` },
        { name: "link", type: "2", linkname: "a" },
      ],
    ],
  ];
  for (const [name, links] of escapes) {
    it(`never writes through ${name} outside the root`, () => {
      const r = extract([...links(), file("link/pwned")]);
      // The link resolves inside the root, where its target does not exist: a clear error.
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, /open parent of link\/pwned: No such file or directory/);
      hostUntouched();
    });
  }

  it("writes through a symlink to a directory inside the root", () => {
    const r = extract([
      { name: "real/", type: "5", mode: 0o755 },
      { name: "link", type: "2", linkname: "/real" },
      file("link/inside"),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(root, "real/inside")));
  });

  it("refuses a hard link to a file outside the root", () => {
    writeFileSync(join(host, "secret"), "s");
    for (const linkname of ["../host/secret", `${host}/secret`]) {
      const r = extract([{ name: "hard", type: "1", linkname }]);
      assert.equal(r.code, 5, linkname);
      assert.match(r.stderr, /is a hard link pointing outside the layer/);
    }
    assert.deepEqual(readdirSync(host), ["secret"]);
  });

  it("refuses a hard link through a symlink that leads out", () => {
    writeFileSync(join(host, "secret"), "s");
    const r = extract([
      { name: "up", type: "2", linkname: host },
      { name: "hard", type: "1", linkname: "up/secret" },
    ]);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /hard link/);
    assert.equal(lstatSync(join(host, "secret")).nlink, 1);
  });

  it("refuses an oversized pax header", () => {
    const r = extract([{ name: "pax", type: "x", size: 2 * 1024 * 1024 }, file("x")]);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /oversized pax or long-name header/);
  });

  it("refuses an oversized GNU long name", () => {
    const r = extract([{ name: "././@LongLink", type: "L", size: 100_000 }, file("x")]);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /oversized/);
  });

  it("refuses a pax path longer than a path can be", () => {
    const value = "p/".repeat(3000);
    const body = ` path=${value}\n`;
    const record = `${body.length + 4}${body}`; // 4 digits of length, counted in it
    const r = extract([{ name: "pax", type: "x", data: Buffer.from(record) }, file("short")]);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /pax path longer than 4096 bytes/);
  });

  it("takes a long name from a pax header", () => {
    const long = `${"d".repeat(150)}/${"f".repeat(150)}`;
    const record = (k: string, v: string) => {
      const body = ` ${k}=${v}\n`;
      let n = body.length + 1;
      while (`${n}${body}`.length !== n) n++;
      return `${n}${body}`;
    };
    const r = extract([
      { name: "pax", type: "x", data: Buffer.from(record("path", long)) },
      file("short"),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(root, long)));
  });

  it("ends with an error on a truncated stream or a bad checksum", () => {
    const whole = rawTar([file("a")]);
    const path = join(base, "cut.tar");
    writeFileSync(path, whole.subarray(0, 700));
    const cut = spawnSync(driverBin, ["extract", path, root], { encoding: "utf8" });
    assert.equal(cut.status, 5);
    assert.match(cut.stderr, /truncated tar stream/);
    const bad = Buffer.from(whole);
    bad[0] = 0x41;
    writeFileSync(path, bad);
    const r = spawnSync(driverBin, ["extract", path, root], { encoding: "utf8" });
    assert.match(r.stderr, /bad tar header checksum/);
  });

  it("skips device nodes and keeps set-id bits only on regular files", () => {
    const r = extract([
      { name: "sda", type: "3", devmajor: 8, devminor: 0 },
      file("su", { mode: 0o4755 }),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(join(root, "sda")), false);
    assert.equal(lstatSync(join(root, "su")).mode & 0o7777, 0o4755);
  });

  it("turns OCI whiteouts into overlayfs whiteouts", () => {
    const r = extract([
      { name: "d/", type: "5", mode: 0o755 },
      { name: "d/.wh.gone", type: "0" },
      { name: "d/.wh..wh..opq", type: "0" },
    ]);
    assert.equal(r.code, 0, r.stderr);
    const st = lstatSync(join(root, "d/gone"));
    assert.ok(st.isCharacterDevice() && st.rdev === 0);
    const xattr = spawnSync("getfattr", [
      "--only-values",
      "-n",
      "user.overlay.opaque",
      join(root, "d"),
    ]);
    if (xattr.error === undefined) assert.equal(String(xattr.stdout), "y");
  });
});

describe("a hostile layer given to the runtime", { skip }, () => {
  it("survives random damage to a layer without crashing or writing outside", () => {
    const base = workDir("fuzz");
    const root = join(base, "root");
    const host = join(base, "host");
    mkdirSync(host);
    const good = rawTar([
      { name: "d/", type: "5", mode: 0o755 },
      { name: "d/f", type: "0", data: Buffer.from("content\n".repeat(100)) },
      { name: "l", type: "2", linkname: "../host" },
      { name: "h", type: "1", linkname: "d/f" },
    ]);
    const file = join(base, "layer.tar");
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 60; i++) {
      const bad = Buffer.from(good);
      for (let k = 0; k < 4; k++)
        bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
      writeFileSync(file, bad);
      mkdirSync(root, { recursive: true });
      const r = spawnSync(driverBin, ["extract", file, root], { encoding: "utf8" });
      assert.ok(
        r.status === 0 || r.status === 5 || r.status === 4,
        `case ${i}: ${String(r.status)} ${r.signal ?? ""} ${r.stderr}`,
      );
      assert.equal(r.signal, null);
      assert.deepEqual(readdirSync(host), [], `case ${i} wrote outside the root`);
      spawnSync("rm", ["-rf", root]);
    }
  });
});
