/**
 * Hostile inputs through the built CLI, as a user meets them: `chefer from-compose` and
 * `chefer check` exit 1 with a located error and no stack, and a failed conversion writes
 * nothing (no appcipe.yml, not even over an existing one with --force).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { spawnSync } from "node:child_process";
import { cheferBin, runCli, type CliResult } from "../support/cli.js";
import { aliasBomb, deepVariants, type Variant } from "./hostile.js";

const STACK = /^\s+at .+[:(]/m;

function composeVariants(): Variant[] {
  const base = "services:\n  web:\n    image: busybox\n";
  const texts: Record<string, string | Buffer> = {
    "a number as services": "services: 7\n",
    "a list as a service": "services:\n  web: [1, 2]\n",
    "a map as ports": `${base}    ports: {a: b}\n`,
    "an unknown key": `${base}    imagee: x\n`,
    "a port past 65535": `${base}    ports: ["99999:80"]\n`,
    "an invalid UTF-8 image": Buffer.concat([
      Buffer.from(`${base}    image: bu`),
      Buffer.from([0xff, 0x0a]),
    ]),
  };
  const named = Object.entries(texts).map(([label, t]) => ({ label, data: Buffer.from(t) }));
  const bomb = aliasBomb("x-bomb");
  return [
    ...named,
    ...deepVariants(base),
    { ...bomb, data: Buffer.concat([Buffer.from(base), bomb.data]) },
  ];
}

function recipeVariants(): Variant[] {
  const head = 'version: "0.1"\nname: hostile\n';
  const texts: Record<string, string> = {
    "a number as services": `${head}services: 7\n`,
    "a list as a service": `${head}services:\n  web: [1]\n`,
    "a wrong version": "version: [1]\nname: x\nservices: {}\n",
    "an alias before its anchor": `${head}services: *nope\n`,
    "a merge of a scalar": `${head}s: &s text\nservices:\n  web:\n    <<: *s\n`,
  };
  const named = Object.entries(texts).map(([label, t]) => ({ label, data: Buffer.from(t) }));
  return [...named, ...deepVariants(head), aliasBomb("services")];
}

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "chefer-hostile-cli-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function assertRefused(label: string, result: CliResult, file: string): void {
  assert.equal(result.code, 1, `${label}: exit ${result.code}\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, STACK, `${label}: a stack reached the user`);
  assert.match(result.stderr, new RegExp(`${file}:\\d+:\\d+`), `${label}: no location`);
  assert.equal(result.stdout, "", `${label}: stdout is for results`);
}

test("from-compose refuses hostile compose files with a located error and writes nothing", async (t) => {
  for (const v of composeVariants()) {
    const dir = scratch(t);
    writeFileSync(join(dir, "compose.yaml"), v.data);
    assertRefused(v.label, await runCli(["from-compose"], { cwd: dir }), "compose.yaml");
    assert.deepEqual(readdirSync(dir), ["compose.yaml"], v.label);
  }
});

test("from-compose -o writes nothing at the output path when the conversion fails", async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, "compose.yaml"), "services:\n  web: [1, 2]\n");
  mkdirSync(join(dir, "out"));
  const result = await runCli(["from-compose", "-o", "out/app.yml"], { cwd: dir });
  assertRefused("-o", result, "compose.yaml");
  assert.deepEqual(readdirSync(join(dir, "out")), []);
});

test("from-compose --force keeps an existing recipe when the conversion fails", async (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, "compose.yaml"), "services: 7\n");
  writeFileSync(join(dir, "appcipe.yml"), "# kept\n");
  assertRefused("--force", await runCli(["from-compose", "--force"], { cwd: dir }), "compose.yaml");
  assert.equal(readFileSync(join(dir, "appcipe.yml"), "utf8"), "# kept\n");
});

test("check refuses hostile recipes with a located error and no stack", async (t) => {
  for (const v of recipeVariants()) {
    const dir = scratch(t);
    writeFileSync(join(dir, "appcipe.yml"), v.data);
    assertRefused(v.label, await runCli(["check"], { cwd: dir }), "appcipe.yml");
  }
});

test("errors print control characters from the input escaped, not raw", async (t) => {
  const dir = scratch(t);
  writeFileSync(
    join(dir, "appcipe.yml"),
    'version: "0.1"\nname: "a\\e]0;owned\\a"\nservices: {}\n',
  );
  const result = await runCli(["check"], { cwd: dir });
  assert.equal(result.code, 1);
  const raw = [...result.stderr].filter((c) => c < " " && c !== "\n");
  assert.deepEqual(raw, []);
});

/** Runs from-compose in dir, killed after ms: a reader stuck on a FIFO must not stall the suite. */
function convertWithin(dir: string, ms: number) {
  return spawnSync(process.execPath, [cheferBin, "from-compose", "-o", "-"], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1" },
    input: "",
    timeout: ms,
    encoding: "utf8",
  });
}

test("from-compose refuses an env_file or include that is not a regular file instead of blocking", (t) => {
  for (const key of ["env_file", "include"]) {
    const dir = scratch(t);
    spawnSync("mkfifo", [join(dir, "pipe")]);
    const text =
      key === "include"
        ? "include: [./pipe]\nservices:\n  web:\n    image: busybox:1.36\n"
        : "services:\n  web:\n    image: busybox:1.36\n    env_file: ./pipe\n";
    writeFileSync(join(dir, "compose.yaml"), text);
    const result = convertWithin(dir, 3000);
    assert.equal(result.status, 1, `${key}: ${result.error?.message ?? result.stderr}`);
  }
});
