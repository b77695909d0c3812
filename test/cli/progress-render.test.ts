import { test } from "node:test";
import assert from "node:assert/strict";
import { renderProgress } from "../../src/cli/progress-render.js";

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = {
    isTTY,
    columns: 80,
    text: "",
    write(chunk: string) {
      s.text += chunk;
      return true;
    },
  };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

test("without a terminal, progress is plain lines: counts while running, past tense when done", () => {
  const stream = fakeStream(false);
  const { sink } = renderProgress(stream);
  sink({ kind: "step-start", step: "c", label: "compressing layers", total: 2, unit: "items" });
  sink({ kind: "step-start", step: "b", label: "packing web", unit: "bytes" });
  sink({ kind: "step-progress", step: "b", done: 3 * 1024 * 1024 });
  sink({ kind: "step-progress", step: "c", done: 1, total: 2 });
  sink({ kind: "step-end", step: "b", label: "web packed" });
  sink({ kind: "step-end", step: "c", label: "layers compressed" });
  assert.equal(
    stream.text,
    "compressing layers 0/2\ncompressing layers 1/2\nweb packed (3.0 MiB)\nlayers compressed\n",
  );
  assert.ok(!stream.text.includes("\u001b"));
});

test("on a terminal, live lines show a bar and are cleared when the step ends", () => {
  const stream = fakeStream(true);
  const { sink, close } = renderProgress(stream);
  sink({ kind: "step-start", step: "c", label: "compressing layers", total: 4, unit: "items" });
  sink({ kind: "step-end", step: "c", label: "layers compressed" });
  close();
  assert.match(stream.text, /compressing layers \[ +\] 0\/4/);
  assert.ok(stream.text.includes("\u001b[1A\u001b[0J"));
  assert.match(stream.text, /layers compressed\n$/);
});
