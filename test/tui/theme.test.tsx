import "./support/force-color.js";
import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { cleanup } from "ink-testing-library";
import { Dashboard } from "../../src/tui/dashboard/dashboard.js";
import { initialDashboardState, reduceLines } from "../../src/tui/events.js";
import { colorTheme, plainTheme, ThemeContext, themeFor, type Theme } from "../../src/tui/theme.js";
import { renderAt } from "./support/ink.js";

afterEach(cleanup);

const state = reduceLines(initialDashboardState(), [
  `{"t":"app","ts":0,"name":"demo","state":"running"}`,
  `{"t":"service","ts":1,"service":"web","state":"running","pid":7}`,
  `{"t":"log","ts":2,"service":"web","stream":"stderr","line":"listening"}`,
]);

function frameWith(theme: Theme): string {
  const view = { selected: 0, runtimeOutput: [], stopping: false, columns: 80, rows: 24 };
  const r = renderAt(
    <ThemeContext.Provider value={theme}>
      <Dashboard state={state} view={view} />
    </ThemeContext.Provider>,
  );
  return r.lastFrame() ?? "";
}

test("picks the plain theme under NO_COLOR or a dumb terminal", () => {
  assert.equal(themeFor({ NO_COLOR: "1" }), plainTheme);
  assert.equal(themeFor({ TERM: "dumb" }), plainTheme);
  assert.equal(themeFor({ TERM: "xterm-256color" }), colorTheme);
});

test("writes no escape codes with the plain theme", () => {
  const frame = frameWith(plainTheme);
  assert.match(frame, /web +running/);
  assert.ok(!frame.includes("\u001b"), JSON.stringify(frame));
});

test("colors states and stderr with the color theme", () => {
  assert.ok(frameWith(colorTheme).includes("\u001b[3"));
});
