import { test } from "node:test";
import assert from "node:assert/strict";
import { PortSpecError, parsePortSpec, type PortSpec } from "../../src/convert/syntax/port-spec.js";

// Cases from compose-go types_test.go TestParsePortConfig, as host and container ranges.
const CASES: [string, Partial<PortSpec>][] = [
  ["80", { hostIp: "", containerStart: 80, containerEnd: 80, protocol: "tcp" }],
  [
    "80:8080",
    { hostStart: 80, hostEnd: 80, containerStart: 8080, containerEnd: 8080, protocol: "tcp" },
  ],
  ["80-90:8080", { hostStart: 80, hostEnd: 90, containerStart: 8080, containerEnd: 8080 }],
  ["8080:80/tcp", { hostStart: 8080, hostEnd: 8080, containerStart: 80, protocol: "tcp" }],
  ["80:8080/udp", { hostStart: 80, containerStart: 8080, protocol: "udp" }],
  ["80-81:8080-8081/tcp", { hostStart: 80, hostEnd: 81, containerStart: 8080, containerEnd: 8081 }],
  [
    "80-82:8080-8082/udp",
    { hostStart: 80, hostEnd: 82, containerStart: 8080, containerEnd: 8082, protocol: "udp" },
  ],
  ["80-80:8080/tcp", { hostStart: 80, hostEnd: 80, containerStart: 8080, containerEnd: 8080 }],
  ["1.1.1.1:80:80", { hostIp: "1.1.1.1", hostStart: 80, containerStart: 80 }],
  ["127.0.0.1::80", { hostIp: "127.0.0.1", hostStart: undefined, containerStart: 80 }],
  ["[::1]:8080:80", { hostIp: "::1", hostStart: 8080, containerStart: 80 }],
];

for (const [raw, expected] of CASES) {
  test(`reads the port ${JSON.stringify(raw)} as Docker does`, () => {
    const spec = parsePortSpec(raw);
    for (const [k, v] of Object.entries(expected)) assert.equal(spec[k as keyof PortSpec], v, k);
  });
}

for (const raw of ["9999999", "tcp", "udp", "", "a:b:c:d", "80-70:80"]) {
  test(`rejects the port ${JSON.stringify(raw)}`, () => {
    assert.throws(() => parsePortSpec(raw), PortSpecError);
  });
}
