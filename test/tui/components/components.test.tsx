import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { cleanup } from "ink-testing-library";
import { CheckList, toggle } from "../../../src/tui/components/check-list.js";
import { barText } from "../../../src/tui/components/progress-bar.js";
import { scrollWindow } from "../../../src/tui/components/scroll.js";
import { nextCursor, SelectList } from "../../../src/tui/components/select-list.js";
import { editValue, TextField } from "../../../src/tui/components/text-field.js";
import { keys, renderAt, settle } from "../support/ink.js";

afterEach(cleanup);

const items = ["alpha", "beta", "gamma", "delta", "epsilon"].map((k) => ({ key: k, label: k }));

test("keeps the cursor in view and near the middle of a long list", () => {
  assert.deepEqual(scrollWindow(0, 3, 5), { start: 0, end: 3 });
  assert.deepEqual(scrollWindow(0, 10, 4), { start: 0, end: 4 });
  assert.deepEqual(scrollWindow(5, 10, 4), { start: 3, end: 7 });
  assert.deepEqual(scrollWindow(9, 10, 4), { start: 6, end: 10 });
});

test("wraps the cursor at both ends", () => {
  assert.equal(nextCursor(0, 3, "", true, false), 2);
  assert.equal(nextCursor(2, 3, "", false, true), 0);
  assert.equal(nextCursor(1, 3, "j", false, false), 2);
  assert.equal(nextCursor(0, 0, "", false, true), 0);
});

test("draws a bar in proportion, and an empty one without a total", () => {
  assert.equal(barText(1, 4, 8), "██░░░░░░");
  assert.equal(barText(9, 4, 4), "████");
  assert.equal(barText(3, undefined, 4), "░░░░");
});

test("edits text with printable keys and backspace only", () => {
  assert.equal(editValue("ab", "c", false), "abc");
  assert.equal(editValue("ab", "", true), "a");
  assert.equal(editValue("ab", "\u001b[A", false), "ab");
});

test("toggles a key and keeps the items' order", () => {
  assert.deepEqual(toggle(items, ["gamma"], "alpha"), ["alpha", "gamma"]);
  assert.deepEqual(toggle(items, ["alpha", "gamma"], "alpha"), ["gamma"]);
});

test("a select list scrolls with the cursor and picks on enter", async () => {
  const picked: string[] = [];
  const r = renderAt(<SelectList items={items} height={3} onSelect={(k) => picked.push(k)} />);
  await settle();
  assert.equal(r.lastFrame(), "› alpha\n  beta\n  gamma");
  for (const k of [keys.down, keys.down, keys.down]) {
    r.stdin.write(k);
    await settle();
  }
  assert.equal(r.lastFrame(), "  gamma\n› delta\n  epsilon");
  r.stdin.write(keys.enter);
  await settle();
  assert.deepEqual(picked, ["delta"]);
});

test("a check list toggles with space and a, and insists on one when asked", async () => {
  const submitted: string[][] = [];
  const r = renderAt(
    <CheckList
      items={items.slice(0, 2)}
      initial={["beta"]}
      height={5}
      requireOne="keep one"
      onSubmit={(k) => submitted.push(k)}
    />,
  );
  await settle();
  assert.equal(r.lastFrame(), "› [ ] alpha\n  [x] beta");
  for (const k of [keys.down, keys.space, keys.enter]) {
    r.stdin.write(k);
    await settle();
  }
  assert.equal(r.lastFrame(), "  [ ] alpha\n› [ ] beta\nkeep one");
  assert.deepEqual(submitted, []);
  for (const k of ["a", keys.enter]) {
    r.stdin.write(k);
    await settle();
  }
  assert.deepEqual(submitted, [["alpha", "beta"]]);
});

test("a text field shows why a value is refused and submits a valid one", async () => {
  const submitted: string[] = [];
  const r = renderAt(
    <TextField
      label="name"
      initial="a"
      validate={(v) => (v.length < 3 ? "too short" : undefined)}
      onSubmit={(v) => submitted.push(v)}
    />,
  );
  await settle();
  r.stdin.write(keys.enter);
  await settle();
  assert.equal(r.lastFrame(), "name: a_\ntoo short");
  for (const k of ["bc", keys.enter]) {
    r.stdin.write(k);
    await settle();
  }
  assert.deepEqual(submitted, ["abc"]);
});
