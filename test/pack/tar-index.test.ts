import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { indexTar, openMember, resolveMember } from "../../src/pack/sources/tar-index.js";
import { tarOf } from "./support/images.js";

async function tarFile(entries: Parameters<typeof tarOf>[0]): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), "chefer-tar-")), "x.tar");
  await writeFile(file, await tarOf(entries));
  return file;
}

async function read(file: string, name: string): Promise<string> {
  const m = resolveMember(await indexTar(file), name);
  assert.ok(m, `no member ${name}`);
  const parts: Buffer[] = [];
  for await (const c of openMember(file, m)) parts.push(c as Buffer);
  return Buffer.concat(parts).toString();
}

test("indexes members by name and reads one in place", async () => {
  const file = await tarFile({ "a/one.json": "{}", "b/two": "2".repeat(1000), empty: "" });
  assert.equal(await read(file, "b/two"), "2".repeat(1000));
  assert.equal(await read(file, "./a/one.json"), "{}");
  assert.equal(await read(file, "empty"), "");
});

test("reads names longer than 100 bytes from pax headers", async () => {
  const long = `${"deep/".repeat(30)}file.txt`;
  const file = await tarFile({ [long]: "found" });
  assert.equal(await read(file, long), "found");
});

test("follows symlinks inside the archive, as docker save uses for repeated layers", async () => {
  const file = await tarFile({
    "abc/layer.tar": "layer bytes",
    "def/layer.tar": { link: "../abc/layer.tar" },
  });
  assert.equal(await read(file, "def/layer.tar"), "layer bytes");
});
