import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DotenvError, parseDotenv } from "../../src/convert/dotenv.js";
import { fixturesDir, needShared } from "./support.js";

const fixture = (name: string) =>
  readFileSync(join(fixturesDir, "dotenv", "fixtures", name), "utf8");

// Expected values from compose-go dotenv/godotenv_test.go for the same fixtures.
const FIXTURES: [string, Record<string, string>][] = [
  ["plain.env", { OPTION_A: "1", OPTION_B: "2", OPTION_C: "3", OPTION_D: "4", OPTION_E: "5" }],
  ["exported.env", { OPTION_A: "2", OPTION_B: "\\n" }],
  ["equals.env", { OPTION_A: "postgres://localhost:5432/database?sslmode=disable" }],
  [
    "quoted.env",
    {
      OPTION_A: "1",
      OPTION_B: "2",
      OPTION_C: "",
      OPTION_D: "\\n",
      OPTION_E: "1",
      OPTION_F: "2",
      OPTION_G: "",
      OPTION_H: "\n",
      OPTION_I: "echo 'asd'",
      OPTION_J: "first line\nsecond line\nthird line\nand so on",
      OPTION_K: "Let's go!",
      OPTION_Z: "last value",
    },
  ],
  [
    "unquoted.env",
    {
      OPTION_A: "some quoted phrase",
      OPTION_B: "first one with an unquoted phrase",
      OPTION_C: "then another one with an unquoted phrase",
      OPTION_D: "then another one with an unquoted phrase special è char",
      OPTION_E: "then another one quoted phrase",
    },
  ],
  [
    "substitutions.env",
    { OPTION_A: "1", OPTION_B: "1", OPTION_C: "1", OPTION_D: "1_1", OPTION_E: "" },
  ],
];

for (const [name, expected] of FIXTURES) {
  test(`reads the compose-go fixture ${name} to the values docker compose gives`, (t) => {
    if (!needShared(t, fixturesDir)) return;
    const { values } = parseDotenv(fixture(name));
    for (const [k, v] of Object.entries(expected)) assert.equal(values[k], v, k);
  });
}

test("strips a UTF-8 byte order mark", (t) => {
  if (!needShared(t, fixturesDir)) return;
  const { values } = parseDotenv(fixture("utf8-bom.env"));
  assert.ok(Object.keys(values).every((k) => !k.startsWith("\uFEFF")));
  assert.ok(Object.keys(values).length > 0);
});

test("rejects a key with a space at its line, as compose-go does for invalid1.env", (t) => {
  if (!needShared(t, fixturesDir)) return;
  assert.throws(
    () => parseDotenv(fixture("invalid1.env")),
    (e: unknown) => e instanceof DotenvError && e.line === 7,
  );
});

test("a bare key inherits from the lookup and is dropped when the lookup has nothing", (t) => {
  if (!needShared(t, fixturesDir)) return;
  const lookup = (k: string) =>
    k === "VAR_TO_BE_LOADED_FROM_OS_ENV" ? "SOME_RANDOM_VALUE" : undefined;
  assert.deepEqual(parseDotenv(fixture("inherited-multi-var.env"), lookup).values, {
    VAR_TO_BE_LOADED_FROM_OS_ENV: "SOME_RANDOM_VALUE",
    foo: "bar",
    bar: "baz",
  });
  assert.deepEqual(parseDotenv(fixture("inherited-single-var.env"), lookup).values, {
    VAR_TO_BE_LOADED_FROM_OS_ENV: "SOME_RANDOM_VALUE",
  });
  assert.equal(
    "VARIABLE_NOT_FOUND" in parseDotenv(fixture("inherited-not-found.env")).values,
    false,
  );
});

const PARSING: [string, string, string][] = [
  ["FOO=bar", "FOO", "bar"],
  ["FOO =bar", "FOO", "bar"],
  ["FOO= bar", "FOO", "bar"],
  ['FOO="bar"', "FOO", "bar"],
  ["FOO='bar'", "FOO", "bar"],
  ['FOO="escaped\\"bar"', "FOO", 'escaped"bar'],
  ['FOO="\\"quoted\\""', "FOO", '"quoted"'],
  ["FOO=\"'d'\"", "FOO", "'d'"],
  ["OPTION_A: 1", "OPTION_A", "1"],
  ["OPTION_A: Foo=bar", "OPTION_A", "Foo=bar"],
  ["export OPTION_B='\\n'", "OPTION_B", "\\n"],
  ["FOO=bar # comment", "FOO", "bar"],
  ["FOO=bar#not-a-comment", "FOO", "bar#not-a-comment"],
  ["FOO=test\nBAR=$FOO", "BAR", "test"],
  ["FOO=test\nBAR=${FOO}bar", "BAR", "testbar"],
  ["BAR=$FOO", "BAR", ""],
  ['FOO=test\nBAR="quote $FOO"', "BAR", "quote test"],
  ["BAR='quote $FOO'", "BAR", "quote $FOO"],
  ['FOO="foo\\$BAR"', "FOO", "foo$BAR"],
  ['FOO="foo\\${BAR}"', "FOO", "foo${BAR}"],
  ['FOO=test\nBAR="foo\\${FOO} ${FOO}"', "BAR", "foo${FOO} test"],
  ['TEST_URLS="a:3333\nb:443"', "TEST_URLS", "a:3333\nb:443"],
  ["A=1\r\nB=2\r\n", "B", "2"],
];

for (const [input, key, value] of PARSING) {
  test(`parses ${JSON.stringify(input)} so ${key} is ${JSON.stringify(value)}`, () => {
    assert.equal(parseDotenv(input).values[key], value);
  });
}

test("the lookup wins over earlier keys of the same file when interpolating", () => {
  const { values } = parseDotenv("A=file\nB=$A", (k) => (k === "A" ? "os" : undefined));
  assert.equal(values.B, "os");
});

test("an unterminated quote is an error at the line it starts on", () => {
  assert.throws(
    () => parseDotenv('A=1\nB="open\nC=3'),
    (e: unknown) => e instanceof DotenvError && e.line === 2 && /unterminated/.test(e.message),
  );
});

test("lines with only blank space or comments set nothing", () => {
  for (const input of ["\n", "\r\n", "\t\t ", "# Comment", "\t # comment"]) {
    assert.deepEqual(parseDotenv(input).values, {});
  }
});

test("reports each unset variable with the line that reads it", () => {
  assert.deepEqual(parseDotenv('A=1\nB=$NOPE\nC="${ALSO}"\n').unset, [
    { name: "NOPE", line: 2 },
    { name: "ALSO", line: 3 },
  ]);
});
