import { test } from "node:test";
import assert from "node:assert/strict";
import { formatDuration, parseDuration } from "../../src/appcipe/duration.js";
import { parseRef } from "../../src/appcipe/image-ref.js";
import { parsePortShort } from "../../src/appcipe/ports.js";
import { parseIp } from "../../src/appcipe/names.js";
import { formatSize, parseMode, parseSize } from "../../src/appcipe/sizes.js";
import { closest } from "../../src/appcipe/did-you-mean.js";
import { compareTargets } from "../../src/appcipe/mounts.js";

test("parses Go and Compose durations, and bare numbers as seconds", () => {
  assert.equal(parseDuration("1m30s"), 90_000);
  assert.equal(parseDuration("500ms"), 500);
  assert.equal(parseDuration("2h"), 7_200_000);
  assert.equal(parseDuration("1.5s"), 1500);
  assert.equal(parseDuration("1d"), 86_400_000);
  assert.equal(parseDuration(2), 2000);
  assert.equal(parseDuration("10"), 10_000);
  assert.equal(parseDuration("10 seconds"), undefined);
  assert.equal(parseDuration("s"), undefined);
  assert.equal(parseDuration(""), undefined);
});

test("formats durations as the shortest exact text", () => {
  assert.equal(formatDuration(90_000), "1m30s");
  assert.equal(formatDuration(500), "500ms");
  assert.equal(formatDuration(3_600_000), "1h");
  assert.equal(formatDuration(0), "0s");
  for (const ms of [1, 999, 1001, 61_000, 86_400_000 + 1])
    assert.equal(parseDuration(formatDuration(ms)), ms);
});

test("splits image references with registry ports, tags and digests", () => {
  assert.deepEqual(parseRef("redis:7.2"), { name: "redis", tag: "7.2" });
  assert.deepEqual(parseRef("localhost:5000/app"), { name: "localhost:5000/app" });
  assert.deepEqual(parseRef(`ghcr.io/a/b:1@sha256:${"0".repeat(64)}`), {
    name: "ghcr.io/a/b",
    tag: "1",
    digest: `sha256:${"0".repeat(64)}`,
  });
  assert.equal(typeof parseRef("Redis:7"), "string");
  assert.equal(typeof parseRef("redis@sha256:abc"), "string");
});

test("parses port mappings with IPv6 addresses in brackets", () => {
  assert.deepEqual(parsePortShort("[::1]:8080:80/udp", parseIp), {
    hostIp: "::1",
    hostStart: 8080,
    hostEnd: 8080,
    containerStart: 80,
    containerEnd: 80,
    protocol: "udp",
  });
  assert.ok("error" in parsePortShort("999.1.1.1:80:80", parseIp));
  assert.ok("error" in parsePortShort("9000-8000:80-81", parseIp));
});

test("reads sizes and octal modes as Compose users write them", () => {
  assert.equal(parseSize("64m"), 64 * 1024 ** 2);
  assert.equal(parseSize("1gb"), 1024 ** 3);
  assert.equal(parseSize(512), 512);
  assert.equal(parseSize("lots"), undefined);
  assert.equal(formatSize(64 * 1024 ** 2), "64m");
  assert.equal(formatSize(1000), 1000);
  assert.equal(parseMode(644, "0644"), 0o644);
  assert.equal(parseMode("1777", undefined), 0o1777);
  assert.equal(parseMode(420, "420"), 0o420);
  assert.equal(parseMode("0689", undefined), undefined);
});

test("suggests the closest key, or the one a word abbreviates", () => {
  assert.equal(closest("prots", ["ports", "expose"]), "ports");
  assert.equal(closest("prot", ["protocol", "target"]), "protocol");
  assert.equal(closest("zzzzzz", ["ports"]), undefined);
});

test("orders mount targets parent first", () => {
  const sorted = ["/a-b", "/a/b", "/a", "/"].sort(compareTargets);
  assert.deepEqual(sorted, ["/", "/a", "/a/b", "/a-b"]);
});
