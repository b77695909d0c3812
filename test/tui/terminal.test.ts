import { test } from "node:test";
import assert from "node:assert/strict";
import { hasTerminal } from "../../src/tui/terminal.js";

const tty = { isTTY: true };
const pipe = { isTTY: false };

test("finds a person at a terminal only when both ends are terminals and CI is not set", () => {
  assert.equal(hasTerminal(tty, tty, {}), true);
  assert.equal(hasTerminal(pipe, tty, {}), false);
  assert.equal(hasTerminal(tty, pipe, {}), false);
  assert.equal(hasTerminal(tty, tty, { CI: "true" }), false);
});

test("counts CI as set when it is empty, as Ink does, and as unset when it is 0 or false", () => {
  assert.equal(hasTerminal(tty, tty, { CI: "" }), false);
  assert.equal(hasTerminal(tty, tty, { CI: "0" }), true);
  assert.equal(hasTerminal(tty, tty, { CI: "false" }), true);
});
