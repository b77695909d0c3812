import { test } from "node:test";
import assert from "node:assert/strict";
import { countBySeverity, groupByService, serviceOf } from "../../src/tui/diagnostics.js";
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
