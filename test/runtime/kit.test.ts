import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRuntime, parseTarget } from "../../src/runtime/kit.js";

test("finds a runtime in --kit-dir before CHEFER_KIT_DIR and the package's kit", async () => {
  const dir = await mkdtemp(join(tmpdir(), "chefer-kit-"));
  await writeFile(join(dir, "chefer-runtime-aarch64-linux"), "x");
  assert.equal(
    await findRuntime("aarch64-linux", [dir]),
    join(dir, "chefer-runtime-aarch64-linux"),
  );
});

test("a missing runtime says every place it looked and how to build the kit", async () => {
  const dir = await mkdtemp(join(tmpdir(), "chefer-kit-"));
  const saved = process.env.CHEFER_KIT_DIR;
  process.env.CHEFER_KIT_DIR = join(dir, "from-env");
  try {
    await assert.rejects(
      findRuntime("x86_64-linux", [join(dir, "from-flag")], join(dir, "package-kit")),
      (e: Error & { fix?: string }) => {
        assert.match(
          e.message,
          /no runtime for x86_64-linux: looked for chefer-runtime-x86_64-linux in .*from-flag, .*from-env, .*package-kit$/,
        );
        assert.match(e.fix ?? "", /make -C native kit/);
        return true;
      },
    );
  } finally {
    if (saved === undefined) delete process.env.CHEFER_KIT_DIR;
    else process.env.CHEFER_KIT_DIR = saved;
  }
});

test("rejects a target chefer does not build for", () => {
  assert.throws(() => parseTarget("riscv64-linux"), /unknown target "riscv64-linux"/);
});
