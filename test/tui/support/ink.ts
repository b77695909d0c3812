import type { ReactElement } from "react";
import { render } from "ink-testing-library";

export type Rendered = ReturnType<typeof render>;

/**
 * Renders with ink-testing-library, then gives its fixed 100-column stdout the size asked
 * for and announces it as a resize, the way a real terminal does.
 */
export function renderAt(tree: ReactElement, columns = 80, rows = 24): Rendered {
  const r = render(tree);
  resize(r, columns, rows);
  return r;
}

export function resize(r: Rendered, columns: number, rows: number): void {
  Object.defineProperty(r.stdout, "columns", { value: columns, configurable: true });
  Object.defineProperty(r.stdout, "rows", { value: rows, configurable: true });
  r.stdout.emit("resize");
}

/** Lets React and Ink finish the renders that input or state changes scheduled. */
export function settle(ms = 40): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits until the last frame matches, failing with that frame after `timeoutMs`. Then waits a
 * little more: a new screen's key handlers are attached in effects React runs after the frame
 * is drawn, and a key sent before then goes to the screen before.
 */
export async function waitForFrame(
  r: Rendered,
  pattern: RegExp,
  timeoutMs = 3000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = r.lastFrame() ?? "";
    if (pattern.test(frame)) {
      await settle(60);
      return frame;
    }
    if (Date.now() > deadline)
      throw new Error(`no frame matched ${pattern}; the last was:\n${frame}`);
    await settle(20);
  }
}

/** Keys as a terminal sends them. */
export const keys = {
  up: "\u001b[A",
  down: "\u001b[B",
  right: "\u001b[C",
  left: "\u001b[D",
  enter: "\r",
  escape: "\u001b",
  tab: "\t",
  shiftTab: "\u001b[Z",
  backspace: "\u007f",
  space: " ",
};

/** Every line of a frame fits `columns` and the frame fits `rows`. */
export function fitsIn(frame: string, columns: number, rows: number): boolean {
  const lines = frame.split("\n");
  return lines.length < rows && lines.every((l) => [...l].length <= columns);
}
