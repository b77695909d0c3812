import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "../support/cli.js";
import { writeTestApp } from "../pack/support/app.js";

test("build writes <out>/<name>-<target> for each target and prints the paths on stdout", async () => {
  const app = await writeTestApp();
  const r = await runCli(
    [
      "build",
      app.recipeFile,
      "--out",
      "out",
      "--kit-dir",
      app.kitDir,
      "--target",
      "x86_64-linux",
      "--target",
      "aarch64-linux",
    ],
    { cwd: app.dir },
  );
  assert.equal(r.code, 0, r.stderr);
  const paths = [
    join(app.dir, "out", "demo-x86_64-linux"),
    join(app.dir, "out", "demo-aarch64-linux"),
  ];
  assert.deepEqual(r.stdout.trim().split("\n"), paths);
  for (const p of paths) assert.equal((await stat(p)).mode & 0o777, 0o755);
  assert.match(r.stderr, /^layers compressed$/m);
  assert.deepEqual((await readdir(join(app.dir, "out"))).sort(), [
    "demo-aarch64-linux",
    "demo-x86_64-linux",
  ]);
});

test("build is reproducible: two builds are identical byte for byte", async () => {
  const app = await writeTestApp();
  const args = ["build", app.recipeFile, "--kit-dir", app.kitDir, "--target", "x86_64-linux"];
  await runCli([...args, "--out", "one"], { cwd: app.dir });
  await runCli([...args, "--out", "two"], { cwd: app.dir });
  const one = await readFile(join(app.dir, "one", "demo-x86_64-linux"));
  assert.ok(one.equals(await readFile(join(app.dir, "two", "demo-x86_64-linux"))));
});

test("build --dry-run checks the kit and writes nothing", async () => {
  const app = await writeTestApp();
  const r = await runCli(
    ["build", app.recipeFile, "--dry-run", "--kit-dir", app.kitDir, "--target", "aarch64-linux"],
    { cwd: app.dir },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), join(app.dir, "dist", "demo-aarch64-linux"));
  assert.ok(!(await readdir(app.dir)).includes("dist"));
});

test("build rejects an unknown target and an out-of-range zstd level", async () => {
  const app = await writeTestApp();
  const bad = await runCli(["build", app.recipeFile, "--target", "riscv64-linux"], {
    cwd: app.dir,
  });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /unknown target "riscv64-linux"[\s\S]*x86_64-linux, aarch64-linux/);
  const level = await runCli(["build", app.recipeFile, "--zstd-level", "30"], { cwd: app.dir });
  assert.match(level.stderr, /--zstd-level 30 is out of range/);
});
