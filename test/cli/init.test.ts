import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../support/cli.js";
import { tempDir } from "../appcipe/support.js";

test("init writes a template that check accepts without warnings", async () => {
  const dir = tempDir();
  const init = await runCli(["init"], { cwd: dir });
  assert.equal(init.code, 0, init.stderr);
  assert.equal(init.stdout, "appcipe.yml\n");
  const check = await runCli(["check", "-f", "json"], { cwd: dir });
  assert.equal(check.code, 0, check.stderr);
  assert.equal(check.stderr, "");
});

test("init never overwrites an existing recipe", async () => {
  const dir = tempDir({ "appcipe.yml": "# mine\n" });
  const r = await runCli(["init", dir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /already exists; chefer init never overwrites/);
  assert.match(r.stderr, /fix: /);
  assert.equal(readFileSync(join(dir, "appcipe.yml"), "utf8"), "# mine\n");
});

test("init creates the directory and names the app after it", async () => {
  const dir = join(tempDir(), "2nd photo-tool");
  const r = await runCli(["init", dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, "appcipe.yml")));
  assert.match(readFileSync(join(dir, "appcipe.yml"), "utf8"), /^name: "nd-photo-tool"$/m);
});

test("init leaves other files in the directory alone", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "compose.yaml"), "services: {}\n");
  const r = await runCli(["init"], { cwd: dir });
  assert.equal(r.code, 0);
  assert.equal(readFileSync(join(dir, "compose.yaml"), "utf8"), "services: {}\n");
});
