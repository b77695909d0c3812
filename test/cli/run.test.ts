import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot, runCli } from "../support/cli.js";
import { writeTestApp } from "../pack/support/app.js";
import { hostTarget } from "../../src/runtime/kit.js";

/** A kit whose runtime is a shell script: sh stops reading at `exit`, before the payload. */
async function appWithRuntime(script: string) {
  const app = await writeTestApp();
  await writeFile(join(app.kitDir, `chefer-runtime-${hostTarget()}`), `#!/bin/sh\n${script}\n`, {
    mode: 0o755,
  });
  return app;
}

test("run builds for this machine, runs the executable with the arguments after -- and passes its exit code on", async () => {
  const app = await appWithRuntime('echo "args: $*"; exit 7');
  const r = await runCli(
    ["run", app.recipeFile, "--kit-dir", app.kitDir, "--", "serve", "--port", "81"],
    { cwd: app.dir },
  );
  assert.equal(r.code, 7, r.stderr);
  assert.equal(r.stdout, "args: -- serve --port 81\n");
  assert.match(r.stderr, /running .*dist\/demo-(x86_64|aarch64)-linux/);
});

test("run reports death by signal n as exit status 128 + n", async () => {
  const app = await appWithRuntime("kill -TERM $$");
  const r = await runCli(["run", app.recipeFile, "--kit-dir", app.kitDir], { cwd: app.dir });
  assert.equal(r.code, 143);
});

test("run starts the real runtime from kit/ and passes the app's exit status on", async (t) => {
  const runtime = join(repoRoot, "kit", `chefer-runtime-${hostTarget()}`);
  if (!existsSync(runtime) || !existsSync("/bin/busybox")) {
    if (process.env.CI) assert.fail(`needs ${runtime} (make -C native kit) and /bin/busybox`);
    return t.skip("needs the native runtime in kit/ and /bin/busybox");
  }
  const busybox = readFileSync("/bin/busybox");
  const app = await writeTestApp(
    [{ "bin/busybox": { exec: busybox }, "bin/sh": { link: "busybox" } }],
    {
      env: { WHO: "chefer" },
    },
  );
  const r = await runCli(
    ["run", app.recipeFile, "--", "/bin/sh", "-c", 'echo "hello $WHO"; exit 5'],
    { cwd: app.dir },
  );
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stdout, /hello chefer/);
});

test("run --dashboard without a terminal fails before building and names the flag to drop", async () => {
  const app = await appWithRuntime("exit 0");
  const r = await runCli(["run", app.recipeFile, "--kit-dir", app.kitDir, "--dashboard"], {
    cwd: app.dir,
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--dashboard needs a terminal/);
  assert.match(r.stderr, /fix: run without --dashboard/);
  assert.equal(existsSync(join(app.dir, "dist")), false);
});
