/**
 * The static runtimes in kit/ (built by `make -C native kit`): the x86_64 one runs a packed
 * app here, the aarch64 one reads a real executable's footer and manifest under qemu-user.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../support/cli.js";
import { busyboxLayer, buildApp, makeHome, runApp, workDir } from "./support/app.js";

const kit = (target: string) => join(repoRoot, "kit", `chefer-runtime-${target}`);
const missing = (target: string) =>
  existsSync(kit(target))
    ? false
    : `kit/chefer-runtime-${target} is missing; run \`make -C native kit\``;

describe("the kit's runtimes", () => {
  it(
    "is a static x86_64 binary that runs a packed app",
    { skip: missing("x86_64-linux") },
    async () => {
      const file = spawnSync("file", [kit("x86_64-linux")], { encoding: "utf8" }).stdout;
      assert.match(file, /statically linked/);
      const dir = workDir("kit");
      const exe = await buildApp(
        dir,
        "kitapp",
        [
          {
            name: "main",
            layers: [await busyboxLayer()],
            config: { Cmd: ["/bin/echo", "static ok"] },
          },
        ],
        [],
        { name: "x86_64-linux", runtime: kit("x86_64-linux") },
      );
      const r = await runApp(exe, [], { home: makeHome(dir) });
      assert.equal(r.stdout, "static ok\n", r.stderr);
    },
  );

  it(
    "reads an aarch64 executable's footer and manifest under qemu-user",
    {
      skip:
        missing("aarch64-linux") ||
        (existsSync("/usr/bin/qemu-aarch64-static") ? false : "qemu-user-static is missing"),
    },
    async () => {
      const dir = workDir("kit-arm");
      const exe = await buildApp(
        dir,
        "armapp",
        [{ name: "main", layers: [await busyboxLayer()], config: { Cmd: ["/bin/true"] } }],
        [],
        { name: "aarch64-linux", runtime: kit("aarch64-linux") },
      );
      const version = spawnSync("qemu-aarch64-static", [exe, "--version"], { encoding: "utf8" });
      assert.match(version.stdout, /^chefer-runtime \d+\.\d+\.\d+ \(executable format 1\)\n$/);
      const inspect = spawnSync("qemu-aarch64-static", [exe, "--inspect"], { encoding: "utf8" });
      assert.equal(inspect.status, 0, inspect.stderr);
      assert.match(inspect.stdout, /^app armapp\n.*^target aarch64-linux\n.*^service main\n/ms);
    },
  );
});
