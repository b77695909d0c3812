import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildExecutable,
  plainRecipe,
  plainService,
  readExecutable,
  type BuildOptions,
} from "../../src/pack/index.js";
import { readBlob } from "../../src/pack/blob-reader.js";
import {
  dockerArchive,
  makeImage,
  ociLayoutFiles,
  tarOf,
  writeLayout,
  type Compression,
} from "./support/images.js";

async function workdir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "chefer-pack-"));
  await writeFile(join(dir, "runtime"), "#!/bin/sh\necho not a real runtime\n");
  return dir;
}

function options(dir: string, recipe: BuildOptions["recipe"], out = "app"): BuildOptions {
  return { recipe, target: "x86_64-linux", runtime: join(dir, "runtime"), out: join(dir, out) };
}

async function blobBytes(path: string, digest: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of readBlob(await readExecutable(path), digest)) parts.push(b);
  return Buffer.concat(parts);
}

for (const compression of ["gzip", "zstd", "none"] as Compression[]) {
  test(`packs a docker archive with ${compression} layers whose blobs read back as the layer tars`, async () => {
    const dir = await workdir();
    const image = await makeImage([{ "bin/a": "alpha" }, { "etc/b": "beta".repeat(5000) }], {
      compression,
    });
    await writeFile(join(dir, "img.tar"), await dockerArchive(image));
    const recipe = plainRecipe(
      "demo",
      [plainService("web", { source: "tar", file: "img.tar", format: "auto" })],
      { file: join(dir, "appcipe.yml") },
    );

    const built = await buildExecutable(options(dir, recipe));

    const info = await readExecutable(built.path);
    assert.deepEqual(info.manifest.services[0]?.layers, image.diffIds);
    for (const [i, diffId] of image.diffIds.entries()) {
      assert.deepEqual(await blobBytes(built.path, diffId), image.layers[i]);
    }
    assert.equal((await stat(built.path)).mode & 0o777, 0o755);
    assert.equal(info.footer.payloadOffset, (await stat(join(dir, "runtime"))).size);
  });
}

test("cuts a large layer into frames of chunk_size and packs them in order", async () => {
  const dir = await workdir();
  const big = Buffer.alloc(9 * 1024 * 1024 + 123);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE((i * 2654435761) >>> 0, i);
  const image = await makeImage([{ big }]);
  await writeFile(join(dir, "img.tar"), await dockerArchive(image));
  const recipe = plainRecipe("demo", [
    plainService("web", { source: "tar", file: join(dir, "img.tar"), format: "docker-archive" }),
  ]);

  const built = await buildExecutable(options(dir, recipe));

  const blob = built.manifest.blobs[0];
  assert.equal(blob?.frames.length, 3);
  assert.deepEqual(
    blob?.frames.map((f) => f.usize),
    [4194304, 4194304, (image.layers[0] as Buffer).length - 8388608],
  );
  assert.deepEqual(await blobBytes(built.path, image.diffIds[0] as string), image.layers[0]);
});

test("two builds from the same inputs are identical byte for byte", async () => {
  const dir = await workdir();
  const image = await makeImage([{ a: "1" }, { b: "2".repeat(100000) }], { compression: "gzip" });
  await writeFile(join(dir, "img.tar"), await dockerArchive(image));
  const recipe = plainRecipe("demo", [
    plainService(
      "web",
      { source: "tar", file: join(dir, "img.tar"), format: "auto" },
      {
        files: [{ content: "hello\n", target: "/etc/hello", mode: 0o644, uid: 0, gid: 0 }],
      },
    ),
  ]);

  const one = await buildExecutable(options(dir, recipe, "one"));
  const two = await buildExecutable({ ...options(dir, recipe, "two"), inFlight: 1 });

  assert.ok((await readFile(one.path)).equals(await readFile(two.path)));
});

test("stores a layer once when two services share it", async () => {
  const dir = await workdir();
  const base = { "bin/shared": "same bytes" };
  const a = await makeImage([base, { a: "only a" }]);
  const b = await makeImage([base, { b: "only b" }], { compression: "gzip" });
  await writeFile(join(dir, "a.tar"), await dockerArchive(a));
  await writeLayout(join(dir, "b"), ociLayoutFiles([b]));
  const recipe = plainRecipe("demo", [
    plainService("b", { source: "tar", file: join(dir, "b"), format: "auto" }),
    plainService("a", { source: "tar", file: join(dir, "a.tar"), format: "auto" }),
  ]);

  const built = await buildExecutable(options(dir, recipe));

  const digests = built.manifest.blobs.map((x) => x.digest);
  assert.deepEqual(digests, [a.diffIds[0], a.diffIds[1], b.diffIds[1]]);
  assert.deepEqual(
    built.manifest.services.map((s) => s.name),
    ["a", "b"],
  );
});

test("stores baked files as blobs and points the service's files at them", async () => {
  const dir = await workdir();
  const image = await makeImage([{ a: "1" }]);
  await writeFile(join(dir, "img.tar"), await dockerArchive(image));
  await writeFile(join(dir, "conf"), "setting=1\n");
  const recipe = plainRecipe("demo", [
    plainService(
      "web",
      { source: "tar", file: join(dir, "img.tar"), format: "auto" },
      {
        files: [
          { source: join(dir, "conf"), target: "/etc/app.conf", mode: 0o600, uid: 1, gid: 2 },
          { content: "setting=1\n", target: "/etc/copy.conf", mode: 0o644, uid: 0, gid: 0 },
        ],
      },
    ),
  ]);

  const built = await buildExecutable(options(dir, recipe));

  const files = built.manifest.services[0]?.files ?? [];
  assert.equal(files[0]?.blob, files[1]?.blob);
  assert.deepEqual(
    { ...files[0], blob: undefined },
    { target: "/etc/app.conf", blob: undefined, mode: 0o600, uid: 1, gid: 2 },
  );
  assert.equal(built.manifest.blobs.filter((x) => x.media === "file").length, 1);
  assert.equal((await blobBytes(built.path, files[0]?.blob as string)).toString(), "setting=1\n");
});

test("picks the image for the target's architecture from a multi-platform OCI archive", async () => {
  const dir = await workdir();
  const amd = await makeImage([{ arch: "amd64" }], { arch: "amd64" });
  const arm = await makeImage([{ arch: "arm64" }], { arch: "arm64", compression: "zstd" });
  await writeFile(join(dir, "multi.tar"), await tarOf(ociLayoutFiles([amd, arm], { index: true })));
  const recipe = plainRecipe("demo", [
    plainService("web", { source: "tar", file: join(dir, "multi.tar"), format: "auto" }),
  ]);

  const forArm = await buildExecutable({ ...options(dir, recipe, "arm"), target: "aarch64-linux" });
  const forAmd = await buildExecutable(options(dir, recipe, "amd"));

  assert.deepEqual(forArm.manifest.services[0]?.layers, arm.diffIds);
  assert.equal(forArm.manifest.services[0]?.platform, "linux/arm64");
  assert.deepEqual(forAmd.manifest.services[0]?.layers, amd.diffIds);
});

test("refuses an archive that has no image for the target's platform", async () => {
  const dir = await workdir();
  const arm = await makeImage([{ a: "1" }], { arch: "arm64" });
  await writeFile(join(dir, "arm.tar"), await dockerArchive(arm));
  const recipe = plainRecipe("demo", [
    plainService("web", { source: "tar", file: join(dir, "arm.tar"), format: "auto" }),
  ]);

  await assert.rejects(
    buildExecutable(options(dir, recipe)),
    /image is for linux\/arm64, but the service needs linux\/amd64/,
  );
});

test("rejects a layer whose content does not match its diff_id and leaves no output", async () => {
  const dir = await workdir();
  const image = await makeImage([{ a: "1" }]);
  image.blobs[0] = await tarOf({ a: "tampered" });
  await writeFile(join(dir, "img.tar"), await dockerArchive(image));
  const recipe = plainRecipe("demo", [
    plainService("web", { source: "tar", file: join(dir, "img.tar"), format: "auto" }),
  ]);

  await assert.rejects(buildExecutable(options(dir, recipe)), /diff_id mismatch/);
  assert.deepEqual((await readdir(dir)).sort(), ["img.tar", "runtime"]);
});

test("compresses at the zstd level it is given", async () => {
  const dir = await workdir();
  const text = Buffer.from(
    Array.from({ length: 60000 }, (_, i) => `row ${i % 977} value ${(i * 7919) % 10007}\n`).join(
      "",
    ),
  );
  const image = await makeImage([{ text }]);
  await writeFile(join(dir, "img.tar"), await dockerArchive(image));
  const recipe = plainRecipe("demo", [
    plainService("web", { source: "tar", file: join(dir, "img.tar"), format: "auto" }),
  ]);

  const fast = await buildExecutable({ ...options(dir, recipe, "fast"), zstdLevel: 1 });
  const small = await buildExecutable({ ...options(dir, recipe, "small"), zstdLevel: 6 });

  assert.ok((small.manifest.blobs[0]?.size ?? 0) < (fast.manifest.blobs[0]?.size ?? 0));
});

test("a baked file that cannot be read is a user error naming the file", async () => {
  const dir = await workdir();
  const image = await makeImage([{ a: "1" }]);
  await writeFile(join(dir, "img.tar"), await dockerArchive(image));
  const missing = join(dir, "missing.conf");
  const recipe = plainRecipe("demo", [
    plainService(
      "web",
      { source: "tar", file: join(dir, "img.tar"), format: "auto" },
      {
        files: [{ source: missing, target: "/etc/m.conf", mode: 0o644, uid: 0, gid: 0 }],
      },
    ),
  ]);

  await assert.rejects(buildExecutable(options(dir, recipe)), (e: Error) => {
    assert.equal(e.name, "UserError");
    assert.match(e.message, /baked file .*missing\.conf: cannot read it \(ENOENT\)/);
    return true;
  });
  assert.deepEqual((await readdir(dir)).sort(), ["img.tar", "runtime"]);
});
