import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runCli } from "../support/cli.js";

const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string };

test("version prints the package version and the recipe version", async () => {
  const r = await runCli(["version"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, new RegExp(`^chefer ${pkg.version.replace(/\./g, "\\.")}$`, "m"));
  assert.match(r.stdout, /^AppCipe version 0\.1$/m);
});

test("version --json prints machine-readable data on stdout only", async () => {
  const r = await runCli(["version", "--json"]);
  assert.equal(r.code, 0);
  assert.equal((JSON.parse(r.stdout) as { chefer: string }).chefer, pkg.version);
  assert.equal(r.stderr, "");
});

test("an unknown command exits with the usage code and names the help flag", async () => {
  const r = await runCli(["frobnicate"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /chefer --help/);
});
