import { test } from "node:test";
import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { holdStderr } from "../../src/tui/hold-stderr.js";

test("holds writes until released, then writes them in order", () => {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream;
  const out: string[] = [];
  (stream as unknown as PassThrough).on("data", (d: Buffer) => out.push(d.toString()));
  const held = holdStderr(stream);
  let called = false;
  stream.write("warning: one\n", () => (called = true));
  stream.write("debug: two\n");
  assert.deepEqual(out, []);
  assert.ok(called, "a writer waiting for its callback is not left waiting");
  held.release();
  stream.write("after\n");
  assert.equal(out.join(""), "warning: one\ndebug: two\nafter\n");
});
