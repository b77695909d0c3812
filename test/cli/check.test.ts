import { test } from "node:test";
import assert from "node:assert/strict";
import { parse as parseYaml } from "yaml";
import { runCli } from "../support/cli.js";
import { assertGolden, tempDir } from "../appcipe/support.js";
import type { Problem } from "../../src/util/errors.js";

const fiveMistakes = `version: "0.1"
name: demo
services:
  web:
    image: nginx
    prots: ["8080:80"]
    ports: ["8080:80", "8080:81"]
    depends_on: [db]
  db:
    image: redis:7.2
    depends_on: [web]
    restart: sometimes
`;

const seedShape = `version: "0.1"
name: StudioPro
app_version: "2.4.0"
crash_policy: fail_fast
services:
  db:
    image: { source: tar, file: ./images/db.tar, format: docker_archive, platform: x86_64 }
    cmd: ["postgres"]
    persist_path: /var/lib/postgresql/data
    ports: ["5432:5432"]
  ui:
    image: ./images/ui.tar
    mounts: ["/bigdata:/mnt/data"]
    ports: ["8080:8080", "9000:9000/udp"]
    interface_mode: gui
    depends_on: [db]
`;

const seedFiles = { "appcipe.yml": seedShape, "images/db.tar": "", "images/ui.tar": "" };

test("check prints five located errors for five mistakes and exits non-zero", async () => {
  const dir = tempDir({ "appcipe.yml": fiveMistakes });
  const r = await runCli(["check"], { cwd: dir });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  const located = r.stderr
    .split("\n")
    .filter((line) => /^appcipe\.yml:\d+:\d+: error: /.test(line));
  assert.equal(located.length, 5);
  assertGolden(r.stderr, "check-five-mistakes.txt");
});

test("check --format json prints the same errors as data", async () => {
  const dir = tempDir({ "appcipe.yml": fiveMistakes });
  const text = await runCli(["check"], { cwd: dir });
  const json = await runCli(["check", "--format", "json"], { cwd: dir });
  assert.equal(json.code, 1);
  const data = JSON.parse(json.stdout) as { ok: boolean; problems: Problem[] };
  assert.equal(data.ok, false);
  assert.deepEqual(
    data.problems.map(
      (p) =>
        `${p.location?.file}:${p.location?.line}:${p.location?.col}: ${p.severity}: ${p.message}`,
    ),
    text.stderr
      .split("\n")
      .filter((line) => /^appcipe\.yml:\d+:\d+: /.test(line))
      .map((line) => line.replace(/ \([^)]*\) \[[^\]]*\]$/, "")),
  );
  assert.deepEqual(
    data.problems.map((p) => p.path),
    [
      "services.web.image",
      "services.web.prots",
      "services.web.ports[1]",
      "services.db.depends_on[0]",
      "services.db.restart",
    ],
  );
});

test("check accepts a recipe in the seed's documented shape and prints it as YAML data", async () => {
  const dir = tempDir(seedFiles);
  const r = await runCli(["check"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const recipe = parseYaml(r.stdout) as {
    name: string;
    services: { name: string; mounts: unknown[] }[];
  };
  assert.equal(recipe.name, "StudioPro");
  assert.deepEqual(recipe.services[0]?.mounts, [
    { type: "volume", source: "db", target: "/var/lib/postgresql/data", readOnly: false },
  ]);
});

test("check --format pretty prints a summary of the app and its services", async () => {
  const dir = tempDir(seedFiles);
  const r = await runCli(["check", "--format", "pretty"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assertGolden(r.stdout, "check-pretty.txt");
});

test("check --format json prints the normalized recipe", async () => {
  const dir = tempDir(seedFiles);
  const r = await runCli(["check", dir, "--format", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const recipe = JSON.parse(r.stdout) as { services: { image: { file: string } }[] };
  assert.equal(recipe.services[0]?.image.file, `${dir}/images/db.tar`);
});

test("check takes a directory and reads its appcipe.yml", async () => {
  const dir = tempDir(seedFiles);
  const r = await runCli(["check", dir, "-f", "yaml"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^name: StudioPro$/m);
});

test("check names the commands that make a recipe when there is none", async () => {
  const dir = tempDir();
  const r = await runCli(["check"], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no recipe at appcipe\.yml/);
  assert.match(r.stderr, /chefer init/);
  assert.match(r.stderr, /chefer from-compose/);
});

test("check prints warnings on stderr and fails with --strict", async () => {
  const dir = tempDir({
    "appcipe.yml": `version: "0.1"\nname: w\nservices:\n  a:\n    image: redis:7.2\n    mounts: ["./presets:/p"]\n`,
  });
  const plain = await runCli(["check", "-f", "json"], { cwd: dir });
  assert.equal(plain.code, 0);
  assert.match(plain.stderr, /^appcipe\.yml:6:14: warning: host path `\.\/presets` is relative/m);
  const strict = await runCli(["check", "--strict"], { cwd: dir });
  assert.equal(strict.code, 3);
});
