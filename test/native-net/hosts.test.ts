import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { before, describe, test } from "node:test";
import { buildDriver, driver, scratch, writePlan, type PlanService } from "./support.js";

before(() => buildDriver());

const services: PlanService[] = [
  { name: "db", aliases: ["database", "pg-main"], argv: ["true"] },
  {
    name: "web",
    hostname: "frontend",
    extraHosts: [["host.internal", "10.0.2.2"]],
    argv: ["true"],
  },
];

function hostsOf(mode: string, service: string): { code: number | null; out: string; err: string } {
  const plan = writePlan(scratch(), mode, services);
  const r = spawnSync(driver, ["hosts", plan, service], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("the hosts file of a service", () => {
  test("lists the service itself first, then every other service with its aliases", () => {
    assert.equal(
      hostsOf("bridge", "web").out,
      [
        "127.0.0.1\tlocalhost",
        "::1\tlocalhost ip6-localhost ip6-loopback",
        "10.89.0.3\tweb frontend",
        "10.89.0.2\tdb database pg-main",
        "10.0.2.2\thost.internal",
        "",
      ].join("\n"),
    );
  });

  test("adds only the service's own extra hosts", () => {
    const db = hostsOf("internal", "db").out;
    assert.match(db, /^10\.89\.0\.2\tdb database pg-main$/m);
    assert.match(db, /^10\.89\.0\.3\tweb frontend$/m);
    assert.doesNotMatch(db, /host\.internal/);
  });

  test("points every name at 127.0.0.1 in shared mode", () => {
    const web = hostsOf("shared", "web").out;
    assert.match(web, /^127\.0\.0\.1\tweb frontend$/m);
    assert.match(web, /^127\.0\.0\.1\tdb database pg-main$/m);
  });

  test("rejects a plan whose host and container ranges differ in size", () => {
    const dir = scratch();
    const plan = writePlan(dir, "bridge", [
      { name: "web", ports: ["tcp 127.0.0.1 8000-8002 80-81"], argv: ["true"] },
    ]);
    const r = spawnSync(driver, ["hosts", plan, "web"], { encoding: "utf8" });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /service web: host ports 8000-8002 and container ports 80-81 differ in size/,
    );
  });
});
