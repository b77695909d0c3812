/**
 * Recipes that are wrong in every way YAML can express reach the user as located problems:
 * never a bug, never a hang, never a stack.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { parseRecipe } from "../../src/appcipe/load.js";
import { repoRoot } from "./targets.js";
import { check } from "./hostile-check.js";
import {
  aliasBomb,
  byteVariants,
  deepVariants,
  hugeVariants,
  unknownKeyVariant,
  wrongTypeVariants,
} from "./hostile.js";

const file = join(repoRoot, "examples", "appcipe.yml");
const valid = readFileSync(file, "utf8");
const root: unknown = parse(valid);
const head = 'version: "0.1"\nname: hostile\n';

function run(data: Buffer) {
  return parseRecipe(data.toString("utf8"), file).problems;
}

test("the example recipe the hostile variants start from is valid", () => {
  assert.deepEqual(check([{ label: "as is", data: Buffer.from(valid) }], run).accepted, ["as is"]);
});

/** More recipes whose keys the example does not use: converter output, the rendered template. */
const others = [
  join(repoRoot, "test", "golden", "convert", "cases", "everything", "appcipe.yml"),
  join(repoRoot, "test", "golden", "appcipe", "rendered.yml"),
];

test("a value of the wrong type at any key is refused with a located problem", () => {
  for (const seed of [file, ...others]) {
    const text = readFileSync(seed, "utf8");
    const variants = wrongTypeVariants(parse(text));
    const outcome = check(variants, (data) => parseRecipe(data.toString("utf8"), seed).problems);
    assert.deepEqual(outcome.broken, [], seed);
    // Some swaps are legal (a list where a string list is allowed); most must be refused.
    assert.ok(outcome.refused > variants.length / 2, `${seed}: only ${outcome.refused} refused`);
  }
});

test("an unknown key in every mapping is refused with a located problem", () => {
  const outcome = check([unknownKeyVariant(root, "unknownkey")], run);
  assert.deepEqual(outcome.broken, []);
  assert.equal(outcome.refused, 1);
});

test("huge values are refused or taken without a hang", () => {
  const variants = [
    ...hugeVariants(root, ["name"]),
    ...hugeVariants(root, ["services", "web", "cmd"]),
  ];
  const outcome = check(variants, run);
  assert.deepEqual(outcome.broken, []);
  // A long command line is a legal cmd; nothing else here is.
  assert.deepEqual(outcome.accepted, ["a 1 MiB string at services.web.cmd"]);
});

test("deep nesting and an alias bomb are refused without a hang", () => {
  const variants = [...deepVariants(head), aliasBomb("services")];
  const outcome = check(variants, run);
  assert.deepEqual(outcome.broken, []);
  assert.equal(outcome.refused, variants.length, `accepted: ${outcome.accepted.join(", ")}`);
});

test("NUL bytes, invalid UTF-8 and terminal escapes in the app name are refused", () => {
  const outcome = check(byteVariants(valid, "name: Visits"), run);
  assert.deepEqual(outcome.broken, []);
  assert.deepEqual(outcome.accepted, []);
});

test("a NUL byte in a command argument, an environment value or the workdir is refused", () => {
  const needles = ['cmd: ["python3', "REDIS_HOST: redis", "workdir: /app"];
  const nul = needles.flatMap((n) => byteVariants(valid, n).slice(0, 1));
  assert.deepEqual(check(nul, run).accepted, []);
});
