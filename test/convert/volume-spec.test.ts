import { test } from "node:test";
import assert from "node:assert/strict";
import { VolumeSpecError, parseVolumeSpec } from "../../src/convert/syntax/volume-spec.js";

// Cases from compose-go format/volume_test.go.
const CASES: [string, string, string, string, boolean][] = [
  ["/path", "volume", "", "/path", false],
  ["/a", "volume", "", "/a", false],
  ["./foo:/target", "bind", "./foo", "/target", false],
  ["~/thing:/target", "bind", "~/thing", "/target", false],
  ["../other:/target", "bind", "../other", "/target", false],
  ["/home/user:/target:ro", "bind", "/home/user", "/target", true],
  ["/home/user:/target:rw", "bind", "/home/user", "/target", false],
  ["/source:/target:slave", "bind", "/source", "/target", false],
  ["/source:/target:ro,z", "bind", "/source", "/target", true],
  ["name:/target:nocopy", "volume", "name", "/target", false],
  ["name:/target:bogus", "volume", "name", "/target", false],
];

for (const [raw, type, source, target, readOnly] of CASES) {
  test(`reads the volume ${JSON.stringify(raw)} as compose-go does`, () => {
    const v = parseVolumeSpec(raw);
    assert.deepEqual([v.type, v.source, v.target, v.readOnly], [type, source, target, readOnly]);
  });
}

for (const raw of ["", ":foo", "/foo::ro", "/foo::rw", "/foo:/foo:ro:foo"]) {
  test(`rejects the volume ${JSON.stringify(raw)}`, () => {
    assert.throws(() => parseVolumeSpec(raw), VolumeSpecError);
  });
}
