import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "../support/cli.js";
import { writeTestApp } from "../pack/support/app.js";

test("build reads an appcipe.yml from a directory and packs its services", async () => {
  const app = await writeTestApp();
  const yaml = [
    'version: "0.1"',
    "name: yamlapp",
    "services:",
    "  web:",
    "    image: ./img.tar",
    "    env:",
    "      GREETING: hi",
    "",
  ].join("\n");
  await writeFile(join(app.dir, "appcipe.yml"), yaml);
  const built = await runCli(["build", ".", "--kit-dir", app.kitDir, "--target", "x86_64-linux"], {
    cwd: app.dir,
  });
  assert.equal(built.code, 0, built.stderr);
  const r = await runCli(["inspect", built.stdout.trim(), "--format", "json"]);
  const manifest = (
    JSON.parse(r.stdout) as {
      manifest: { app: { name: string }; services: { env: string[]; layers: string[] }[] };
    }
  ).manifest;
  assert.equal(manifest.app.name, "yamlapp");
  assert.ok(manifest.services[0]?.env.includes("GREETING=hi"));
  assert.deepEqual(manifest.services[0]?.layers, app.image.diffIds);
});
