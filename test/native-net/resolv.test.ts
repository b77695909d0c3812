import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { buildDriver, driver, scratch } from "./support.js";

before(() => buildDriver());

const host = [
  "# written by the host",
  "search example.org",
  "nameserver 127.0.0.53",
  "nameserver 10.1.1.1",
  "options edns0",
  "",
].join("\n");

function resolvFor(mode: string, outbound: "on" | "off"): string {
  const path = join(scratch(), "resolv.conf");
  writeFileSync(path, host);
  const r = spawnSync(driver, ["resolv", mode, outbound, path], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe("the resolv.conf of a service", () => {
  test("sends every lookup to pasta's DNS forwarder in bridge mode with outbound on", () => {
    assert.equal(
      resolvFor("bridge", "on"),
      [
        "# written by the host",
        "search example.org",
        "nameserver 169.254.1.1",
        "options edns0",
        "",
      ].join("\n"),
    );
  });

  test("has no nameserver when the app has no way out", () => {
    for (const [mode, outbound] of [
      ["internal", "on"],
      ["bridge", "off"],
    ] as const) {
      const text = resolvFor(mode, outbound);
      assert.doesNotMatch(text, /nameserver/);
      assert.match(text, /^search example\.org$/m);
    }
  });

  test("is the host's own in shared mode", () => {
    assert.equal(resolvFor("shared", "on"), `${host}`);
  });
});
