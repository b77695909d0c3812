import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../support/cli.js";
import { project } from "./support.js";

const APP = "name: shop\nservices:\n  web:\n    image: nginx:1.25\n    ports: ['8080:80']\n";

test("from-compose writes appcipe.yml beside the project and prints one line per warning", async (t) => {
  const dir = project(t, { "compose.yaml": APP });
  const r = await runCli(["from-compose"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(
    r.stderr,
    /^compose\.yaml:5:13: warning\[compose\/port-localhost\]: services\.web\.ports\[0\]: .*; fix: .*$/m,
  );
  const recipe = readFileSync(join(dir, "appcipe.yml"), "utf8");
  assert.match(recipe, /^# Converted from compose\.yaml by `chefer from-compose`\./);
  const check = await runCli(["check", join(dir, "appcipe.yml"), "--format", "json"], { cwd: dir });
  assert.equal(check.code, 0, check.stderr);
  assert.equal((JSON.parse(check.stdout) as { name: string }).name, "shop");
});

test("from-compose never overwrites an existing recipe without --force", async (t) => {
  const dir = project(t, { "compose.yaml": APP, "appcipe.yml": "keep me\n" });
  const r = await runCli(["from-compose"], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /already exists/);
  assert.equal(readFileSync(join(dir, "appcipe.yml"), "utf8"), "keep me\n");
  const forced = await runCli(["from-compose", "--force"], { cwd: dir });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(readFileSync(join(dir, "appcipe.yml"), "utf8"), /name: shop/);
});

test("-o - prints the recipe on stdout, deterministically", async (t) => {
  const dir = project(t, { "compose.yaml": APP });
  const a = await runCli(["from-compose", "-o", "-"], { cwd: dir });
  const b = await runCli(["from-compose", "-o", "-"], { cwd: dir });
  assert.equal(a.code, 0);
  assert.equal(a.stdout, b.stdout);
  assert.match(a.stdout, /^services:\n {2}web:\n {4}image: nginx:1\.25$/m);
  assert.equal(existsSync(join(dir, "appcipe.yml")), false);
});

test("--format json prints the diagnostics as data on stdout and writes the recipe to the file", async (t) => {
  const dir = project(t, { "compose.yaml": APP });
  const r = await runCli(["from-compose", "--format", "json", "-o", "out.yml"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const data = JSON.parse(r.stdout) as {
    ok: boolean;
    diagnostics: { code: string; line: number; file: string }[];
  };
  assert.equal(data.ok, true);
  assert.deepEqual(
    data.diagnostics.map((d) => [d.file, d.line, d.code]),
    [["compose.yaml", 5, "compose/port-localhost"]],
  );
  assert.ok(existsSync(join(dir, "out.yml")));
});

test("--strict turns warnings into exit status 3 and writes nothing", async (t) => {
  const dir = project(t, { "compose.yaml": APP });
  const r = await runCli(["from-compose", "--strict"], { cwd: dir });
  assert.equal(r.code, 3);
  assert.equal(existsSync(join(dir, "appcipe.yml")), false);
  const clean = await runCli(["from-compose", "--strict", "--publish-all-interfaces", "-o", "-"], {
    cwd: dir,
  });
  assert.equal(clean.code, 0, clean.stderr);
});

test("errors exit with status 1, sorted by location, without a stack trace", async (t) => {
  const dir = project(t, {
    "compose.yaml": "services:\n  b:\n    image: redis\n  a:\n    image: postgres:latest\n",
  });
  const r = await runCli(["from-compose"], { cwd: dir });
  assert.equal(r.code, 1);
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("compose.yaml:"));
  assert.deepEqual(
    lines.map((l) => l.split(": ")[0]),
    ["compose.yaml:3:12", "compose.yaml:5:12"],
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(existsSync(join(dir, "appcipe.yml")), false);
});

test("--format json reports errors as data too", async (t) => {
  const dir = project(t, { "compose.yaml": "services:\n  a:\n    image: redis\n" });
  const r = await runCli(["from-compose", "--format", "json"], { cwd: dir });
  assert.equal(r.code, 1);
  const data = JSON.parse(r.stdout) as {
    ok: boolean;
    diagnostics: { severity: string; code: string }[];
  };
  assert.equal(data.ok, false);
  assert.deepEqual(
    data.diagnostics.map((d) => `${d.severity} ${d.code}`),
    ["error compose/image-not-pinned"],
  );
});

test("the -f, -p, --env-file, --profile and --name flags reach the loader", async (t) => {
  const dir = project(t, {
    "app.yaml":
      "services:\n  web:\n    image: nginx:${TAG}\n  debug:\n    image: busybox:1.36\n    profiles: [debug]\n",
    "vars.env": "TAG=1.25\n",
  });
  writeFileSync(join(dir, "unused.env"), "TAG=broken\n");
  const r = await runCli(
    [
      "from-compose",
      "-f",
      "app.yaml",
      "-p",
      "demo",
      "--env-file",
      "vars.env",
      "--profile",
      "debug",
      "--name",
      "Demo",
      "-o",
      "-",
    ],
    { cwd: dir },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^name: Demo$/m);
  assert.match(r.stdout, /image: nginx:1\.25/);
  assert.match(r.stdout, /^ {2}debug:$/m);
});

test("with --format json, a project that cannot be found is still reported as data", async (t) => {
  const dir = project(t, { "empty/.keep": "" });
  const r = await runCli(
    ["from-compose", "--format", "json", "--project-directory", join(dir, "empty")],
    { cwd: join(dir, "empty") },
  );
  assert.equal(r.code, 1);
  const data = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { message: string }[] };
  assert.equal(data.ok, false);
  assert.match(data.diagnostics[0]?.message ?? "", /no compose file found/);
});

test("-f - reads the compose file from standard input and resolves it against the current directory", async (t) => {
  const dir = project(t, {});
  const r = await runCli(["from-compose", "-f", "-", "-p", "piped", "-o", "-"], {
    cwd: dir,
    input: APP.replace("name: shop\n", ""),
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^# Converted from \(stdin\)/);
  assert.match(r.stdout, /^name: piped$/m);
  assert.match(r.stderr, /^\(stdin\):4:13: warning\[compose\/port-localhost\]/m);
});

test("from-compose DIR converts the project in DIR and writes DIR/appcipe.yml", async (t) => {
  const dir = project(t, { "shop/compose.yaml": APP });
  const r = await runCli(["from-compose", "shop"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, "shop", "appcipe.yml")));
  const file = await runCli(["from-compose", "shop/compose.yaml", "-o", "-"], { cwd: dir });
  assert.match(file.stdout, /^name: shop$/m);
  const missing = await runCli(["from-compose", "nothere"], { cwd: dir });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nothere does not exist/);
});
