import { test } from "node:test";
import assert from "node:assert/strict";
import { ShellWordsError, shellWords } from "../../src/convert/syntax/shell-words.js";

const CASES: [string, string[], string?][] = [
  ["echo hello world", ["echo", "hello", "world"]],
  ["  spaced   out  ", ["spaced", "out"]],
  [`echo "hello world" 'single quoted'`, ["echo", "hello world", "single quoted"]],
  [`a "" ''`, ["a", "", ""]],
  [`'it'\\''s fine'`, ["it's fine"]],
  [`a\\ b c\\"d`, ["a b", 'c"d']],
  [`"tab\\there" 'raw\\t'`, ["tab\there", "raw\\t"]],
  ["echo $HOME ${X}", ["echo", "$HOME", "${X}"]],
  ["sh -c 'a && b'", ["sh", "-c", "a && b"]],
  ["echo $(date +%s) `uname -a`", ["echo", "$(date +%s)", "`uname -a`"]],
  ["echo hi && echo bye", ["echo", "hi"], "&& echo bye"],
  ["run; other", ["run"], "; other"],
  ["cat a | grep b", ["cat", "a"], "| grep b"],
  ["cmd 2>&1", ["cmd"], "2>&1"],
  ["cmd > out.log", ["cmd"], "> out.log"],
  ["", []],
];

for (const [input, argv, dropped] of CASES) {
  test(`splits ${JSON.stringify(input)} as docker compose does`, () => {
    const r = shellWords(input);
    assert.deepEqual(r.argv, argv);
    assert.equal(r.dropped, dropped);
  });
}

for (const input of [
  `echo "open`,
  "echo 'open",
  "trailing\\",
  "a (b)",
  "a )",
  "echo $(open",
  "echo `open",
]) {
  test(`rejects ${JSON.stringify(input)}`, () => {
    assert.throws(() => shellWords(input), ShellWordsError);
  });
}
