/**
 * Compose files that are wrong in every way YAML can express reach the user as located
 * problems: never a bug, never a hang, never a stack. Variants start from the converter's
 * "everything" golden case, copied with the files it names.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { convertProject } from "../../src/convert/index.js";
import type { Problem } from "../../src/util/errors.js";
import { repoRoot, sharedDir } from "./targets.js";
import { check } from "./hostile-check.js";
import {
  aliasBomb,
  byteVariants,
  deepVariants,
  hugeVariants,
  unknownKeyVariant,
  wrongTypeVariants,
} from "./hostile.js";

const input = join(repoRoot, "test", "golden", "convert", "cases", "everything", "input");
const valid = readFileSync(join(input, "compose.yaml"), "utf8");
const root: unknown = parse(valid, { merge: true });
let dir = "";

before(() => {
  dir = mkdtempSync(join(tmpdir(), "chefer-hostile-compose-"));
  cpSync(input, dir, { recursive: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(data: Buffer): Problem[] {
  writeFileSync(join(dir, "compose.yaml"), data);
  return convertProject({ cwd: dir, env: { DEBUG: "1" } }).diagnostics;
}

test("the compose file the hostile variants start from converts", () => {
  const outcome = check([{ label: "as is", data: Buffer.from(valid) }], run);
  assert.deepEqual(outcome.accepted, ["as is"]);
});

/** The top-level name is judged apart: see the todo test at the end. */
const notName = (v: { label: string }) => !v.label.endsWith(" at name");

test("a value of the wrong type at any key is refused with a located problem", () => {
  const variants = wrongTypeVariants(root).filter(notName);
  const outcome = check(variants, run);
  assert.deepEqual(outcome.broken, []);
  assert.ok(outcome.refused > variants.length / 2, `only ${outcome.refused} refused`);
});

test("a wrong type at any key of compose-go's full example gives located problems, never a bug", (t) => {
  const fixtures = join(sharedDir, "compose-fixtures", "compose-go", "loader");
  if (!existsSync(fixtures)) return t.skip(`${fixtures} is not present`);
  const copy = mkdtempSync(join(tmpdir(), "chefer-hostile-full-"));
  t.after(() => rmSync(copy, { recursive: true, force: true }));
  cpSync(fixtures, copy, { recursive: true });
  const example = parse(readFileSync(join(fixtures, "full-example.yml"), "utf8"), { merge: true });
  const env = { HOME: "/home/user", QUX: "qux", FOO: "foo" };
  const outcome = check(wrongTypeVariants(example).filter(notName), (data) => {
    writeFileSync(join(copy, "full-example.yml"), data);
    return convertProject({ cwd: copy, files: ["full-example.yml"], env }).diagnostics;
  });
  assert.deepEqual(outcome.broken, []);
});

test("an unknown key in every mapping is refused with a located problem", () => {
  const outcome = check([unknownKeyVariant(root, "unknownkey")], run);
  assert.deepEqual(outcome.broken, []);
  assert.equal(outcome.refused, 1);
});

test("huge values are refused or taken without a hang", () => {
  const variants = [
    ...hugeVariants(root, ["services", "db", "image"]),
    ...hugeVariants(root, ["services", "db", "environment"]),
    ...hugeVariants(root, ["services", "web", "ports", 0]),
  ];
  const outcome = check(variants, run);
  assert.deepEqual(outcome.broken, []);
});

test("deep nesting and an alias bomb are refused without a hang", () => {
  const variants = [...deepVariants("services: {}\n"), aliasBomb("x-bomb")];
  const outcome = check(variants, run);
  assert.deepEqual(outcome.broken, []);
  assert.equal(outcome.refused, variants.length, `accepted: ${outcome.accepted.join(", ")}`);
});

test("NUL bytes, invalid UTF-8 and terminal escapes in an image reference are refused", () => {
  const outcome = check(byteVariants(valid, "image: postgres"), run);
  assert.deepEqual(outcome.broken, []);
  assert.deepEqual(outcome.accepted, []);
});

test("an invalid top-level project name is refused at its file:line:col", () => {
  const outcome = check(byteVariants(valid, "name: every"), run);
  assert.deepEqual(outcome.broken, []);
});

test("a NUL byte in a command argument or an environment value is refused", () => {
  const needles = ['command: ["serve', "DB_HOST: db"];
  const nul = needles.flatMap((n) => byteVariants(valid, n).slice(0, 1));
  assert.deepEqual(check(nul, run).accepted, []);
});
