import { test } from "node:test";
import assert from "node:assert/strict";
import { countBySeverity, groupByService, serviceOf } from "../../src/tui/diagnostics.js";
import { diagnosticLines, wrapText } from "../../src/tui/diagnostic-lines.js";
import type { Problem } from "../../src/util/errors.js";

function problem(over: Partial<Problem>): Problem {
  return { code: "compose/test", severity: "warning", message: "m", ...over };
}

test("finds the service a problem's path points into", () => {
  assert.equal(serviceOf(problem({ path: "services.web.ports[0]" })), "web");
  assert.equal(serviceOf(problem({ path: "services.db" })), "db");
  assert.equal(serviceOf(problem({ path: "volumes.data" })), undefined);
  assert.equal(serviceOf(problem({})), undefined);
});

test("groups project problems first, then services by name, errors before warnings", () => {
  const groups = groupByService([
    problem({ path: "services.web.ports[0]", message: "web warning" }),
    problem({ path: "services.db.image", message: "db error", severity: "error" }),
    problem({ path: "services.web.volumes[0]", message: "web error", severity: "error" }),
    problem({ path: "networks.front", message: "project warning" }),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.service, g.problems.map((p) => p.message)]),
    [
      [undefined, ["project warning"]],
      ["db", ["db error"]],
      ["web", ["web error", "web warning"]],
    ],
  );
});

test("counts errors and warnings", () => {
  const counts = countBySeverity([problem({ severity: "error" }), problem({}), problem({})]);
  assert.deepEqual(counts, { errors: 1, warnings: 2 });
});

test("wraps long messages and fixes under their start instead of cutting them", () => {
  const lines = diagnosticLines(
    [
      problem({
        path: "services.web.ports[0]",
        location: { file: "/work/app/compose.yaml", line: 5, col: 13 },
        message:
          "Docker publishes this port on every interface; the app publishes it on 127.0.0.1 only",
        fix: "convert with --publish-all-interfaces to publish on every interface",
      }),
    ],
    50,
    "/work/app",
  );
  assert.deepEqual(
    lines.map((l) => l.text),
    [
      "service web",
      "  warning: compose.yaml:5:13: Docker publishes",
      "    this port on every interface; the app",
      "    publishes it on 127.0.0.1 only",
      "    fix: convert with --publish-all-interfaces to",
      "         publish on every interface",
    ],
  );
  assert.ok(lines.every((l) => l.text.length <= 50));
});

test("cuts a word longer than a line where the line ends", () => {
  assert.deepEqual(wrapText("ab " + "x".repeat(12), 8, "  "), ["ab", "  xxxxxx", "  xxxxxx"]);
});

test("keeps files outside the working directory absolute", () => {
  const [, line] = diagnosticLines(
    [problem({ path: "services.a", location: { file: "/elsewhere/c.yaml", line: 1, col: 1 } })],
    80,
    "/work/app",
  );
  assert.equal(line?.text, "  warning: /elsewhere/c.yaml:1:1: m");
});
