import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { plainRecipe, plainService } from "../../src/pack/index.js";
import { cheferBin } from "../support/cli.js";
import { writeBigLayout } from "../pack/support/big-image.js";

/** A recipe over a 96 MiB layer, packed at zstd level 19 so the build takes seconds. */
async function slowApp(): Promise<{ dir: string; args: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), "chefer-interrupt-"));
  await writeBigLayout(join(dir, "layout"), 96 * 1024 * 1024);
  const recipe = plainRecipe(
    "slow",
    [plainService("big", { source: "tar", file: join(dir, "layout"), format: "auto" })],
    {
      file: join(dir, "appcipe.yml"),
    },
  );
  await writeFile(join(dir, "recipe.json"), JSON.stringify(recipe));
  await mkdir(join(dir, "kit"));
  await writeFile(join(dir, "kit", "chefer-runtime-x86_64-linux"), "#!/bin/sh\n");
  const args = [
    cheferBin,
    "build",
    "recipe.json",
    "--kit-dir",
    "kit",
    "--target",
    "x86_64-linux",
    "--zstd-level",
    "19",
  ];
  return { dir, args };
}

/** Starts a build and sends `signal` once its partial output has grown past 1 MiB. */
async function interrupt(
  signal: NodeJS.Signals,
): Promise<{ dir: string; code: number | null; signal: string | null }> {
  const { dir, args } = await slowApp();
  const child = spawn(process.execPath, args, { cwd: dir, stdio: "ignore" });
  const exited = new Promise<[number | null, string | null]>((resolve) =>
    child.on("exit", (c, s) => resolve([c, s])),
  );
  const partial = join(dir, "dist", "slow-x86_64-linux.partial");
  for (let i = 0; i < 600; i++) {
    if (((await stat(partial).catch(() => undefined))?.size ?? 0) > 1024 * 1024) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill(signal);
  const [code, sig] = await exited;
  return { dir, code, signal: sig };
}

test("SIGINT during a build removes the partial file and leaves no output", async () => {
  const r = await interrupt("SIGINT");
  assert.ok(r.signal === "SIGINT" || r.code === 130, `exit ${r.code} ${r.signal}`);
  assert.deepEqual(await readdir(join(r.dir, "dist")), []);
});

test("SIGKILL during a build leaves only a .partial file, never a finished-looking one", async () => {
  const r = await interrupt("SIGKILL");
  assert.equal(r.signal, "SIGKILL");
  assert.deepEqual(await readdir(join(r.dir, "dist")), ["slow-x86_64-linux.partial"]);
});
