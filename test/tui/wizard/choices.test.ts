import { test } from "node:test";
import assert from "node:assert/strict";
import {
  APP_NAME_PATTERN,
  applyChoices,
  defaultChoices,
  describePort,
  optionsFor,
} from "../../../src/tui/wizard/choices.js";
import { hostTarget } from "../../../src/runtime/kit.js";
import { visitsRecipe } from "../support/recipe.js";

test("starts with everything kept, the recipe's name and the build machine's target", () => {
  const c = defaultChoices(visitsRecipe());
  assert.deepEqual(c.services, ["db", "web"]);
  assert.deepEqual(c.ports, ["db#0", "web#0"]);
  assert.deepEqual(c.volumes, ["redis-data"]);
  assert.equal(c.name, "demo");
  assert.deepEqual(c.targets, [hostTarget()]);
});

test("keeps the recipe unchanged when every choice is kept, apart from the name", () => {
  const r = visitsRecipe();
  const out = applyChoices(r, { ...defaultChoices(r), name: "visits" });
  assert.deepEqual(out, { ...r, name: "visits" });
});

test("drops a service left out together with the dependencies on it", () => {
  const r = visitsRecipe();
  const out = applyChoices(r, { ...defaultChoices(r), services: ["web"] });
  assert.deepEqual(
    out.services.map((s) => s.name),
    ["web"],
  );
  assert.deepEqual(out.services[0]?.dependsOn, []);
  assert.deepEqual(out.volumes, {}, "the volume only db mounted goes too");
});

test("removes the ports and volume mounts left out", () => {
  const r = visitsRecipe();
  const out = applyChoices(r, { ...defaultChoices(r), ports: ["web#0"], volumes: [] });
  assert.deepEqual(out.services[0]?.ports, []);
  assert.deepEqual(out.services[0]?.mounts, []);
  assert.equal(out.services[1]?.ports.length, 1);
  assert.deepEqual(out.volumes, {});
});

test("does not change the recipe it is given", () => {
  const r = visitsRecipe();
  const before = JSON.stringify(r);
  applyChoices(r, { ...defaultChoices(r), services: [], ports: [], volumes: [] });
  assert.equal(JSON.stringify(r), before);
});

test("offers only the ports and volumes of the services kept", () => {
  const { ports, volumes } = optionsFor(visitsRecipe(), ["web"]);
  assert.deepEqual(ports, [{ key: "web#0", label: "web  127.0.0.1:18080 -> 8080/tcp" }]);
  assert.deepEqual(volumes, []);
});

test("describes a port range with both ends", () => {
  const p = {
    hostIp: "0.0.0.0",
    hostStart: 9000,
    hostEnd: 9002,
    containerStart: 9000,
    containerEnd: 9002,
    protocol: "udp" as const,
  };
  assert.equal(describePort("dns", p), "dns  0.0.0.0:9000-9002 -> 9000-9002/udp");
});

test("accepts app names that are safe file names and rejects others", () => {
  for (const ok of ["demo", "My.App_2", "a-b"]) assert.match(ok, APP_NAME_PATTERN);
  for (const bad of ["", "-x", "has space", "a/b", "x".repeat(65)])
    assert.doesNotMatch(bad, APP_NAME_PATTERN);
});
