import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../support/cli.js";

test("chefer wizard without a terminal fails and names the commands that do its steps", async () => {
  const r = await runCli(["wizard"]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /error: the wizard needs a person at a terminal/);
  assert.match(
    r.stderr,
    /fix: .*`chefer from-compose -f compose\.yaml --name NAME -o appcipe\.yml`.*`chefer build appcipe\.yml --target x86_64-linux --out dist`/,
  );
});

test("chefer with no arguments and no terminal prints the help and waits for nothing", async () => {
  const r = await runCli([]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^chefer <command> \[options\]/);
  assert.match(r.stdout, /chefer wizard \[file\]/);
  assert.ok(!(r.stdout + r.stderr).includes("\u001b"));
});
