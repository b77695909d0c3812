import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "../support/cli.js";
import { writeTestApp } from "../pack/support/app.js";

async function builtApp() {
  const app = await writeTestApp([{ a: "1" }, { b: "2" }], {
    ports: [
      {
        hostIp: "127.0.0.1",
        hostStart: 8080,
        hostEnd: 8080,
        containerStart: 80,
        containerEnd: 80,
        protocol: "tcp",
      },
    ],
    files: [{ content: "x", target: "/etc/x.conf", mode: 0o644, uid: 0, gid: 0 }],
  });
  const r = await runCli(
    ["build", app.recipeFile, "--kit-dir", app.kitDir, "--target", "x86_64-linux"],
    { cwd: app.dir },
  );
  assert.equal(r.code, 0, r.stderr);
  return { ...app, exe: r.stdout.trim() };
}

test("inspect shows the app, its services, layers, ports and baked files", async () => {
  const app = await builtApp();
  const r = await runCli(["inspect", app.exe]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^format +1, built by chefer \S+ for x86_64-linux$/m);
  assert.match(r.stdout, /^app +demo$/m);
  assert.match(r.stdout, /^service web \(linux\/amd64\)$/m);
  for (const d of app.image.diffIds) assert.match(r.stdout, new RegExp(d));
  assert.match(r.stdout, /ports +127\.0\.0\.1:8080->80\/tcp/);
  assert.match(r.stdout, /file +\/etc\/x\.conf/);
});

test("inspect --format json prints the footer and manifest on stdout only", async () => {
  const app = await builtApp();
  const r = await runCli(["inspect", app.exe, "--format", "json"]);
  const out = JSON.parse(r.stdout) as {
    footer: { formatVersion: number };
    manifest: { services: { layers: string[] }[] };
  };
  assert.equal(out.footer.formatVersion, 1);
  assert.deepEqual(out.manifest.services[0]?.layers, app.image.diffIds);
  assert.equal(r.stderr, "");
});

test("inspect names what is wrong with foreign, truncated and damaged files", async () => {
  const app = await builtApp();
  const bytes = await readFile(app.exe);
  const cases: [string, Buffer, RegExp][] = [
    ["foreign", Buffer.from("#!/bin/sh\necho hi\n".repeat(20)), /not a chefer executable/],
    ["short", bytes.subarray(0, 50), /not a chefer executable: the file is too short/],
    ["appended", Buffer.concat([bytes.subarray(0, 10), bytes]), /damaged: the footer records/],
    ["manifest", flipManifestByte(bytes), /damaged manifest: its SHA-256 does not match/],
  ];
  for (const [name, content, expected] of cases) {
    await writeFile(join(app.dir, name), content);
    const r = await runCli(["inspect", join(app.dir, name)]);
    assert.equal(r.code, 1, name);
    assert.match(r.stderr, expected, name);
  }
});

function flipManifestByte(b: Buffer): Buffer {
  const copy = Buffer.from(b);
  const at = copy.length - 96 - 5;
  copy[at] = (copy[at] ?? 0) ^ 1;
  return copy;
}

test("inspect calls an executable cut short truncated when its runtime is still there", async () => {
  const app = await builtApp();
  const runtime = Buffer.concat([
    Buffer.from("#!/bin/sh\nexit 0\n"),
    Buffer.from("\x89CHEFER\nCHEFEND\0", "latin1"),
  ]);
  await writeFile(join(app.kitDir, "chefer-runtime-x86_64-linux"), runtime);
  const r = await runCli(
    ["build", app.recipeFile, "--kit-dir", app.kitDir, "--target", "x86_64-linux", "--out", "real"],
    { cwd: app.dir },
  );
  const bytes = await readFile(r.stdout.trim());
  await writeFile(join(app.dir, "cut"), bytes.subarray(0, bytes.length - 200));
  const cut = await runCli(["inspect", join(app.dir, "cut")]);
  assert.equal(cut.code, 1);
  assert.match(
    cut.stderr,
    /cut: truncated: it starts like a chefer executable but its footer is missing/,
  );
});
