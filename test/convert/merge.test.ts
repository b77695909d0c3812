import { test } from "node:test";
import assert from "node:assert/strict";
import { Diagnostics } from "../../src/convert/diagnostics.js";
import { mergeProject, stripTags } from "../../src/convert/merge.js";
import { toPlain } from "../../src/convert/node.js";
import { parseCompose } from "../../src/convert/parse.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Plain = any;

const KEYED = ["environment", "labels", "annotations", "sysctls"];

/** Mapping and `KEY=VAL` list forms compare equal, as Compose treats them. */
function canonical(service: Plain): Plain {
  const out = { ...service };
  for (const key of KEYED) {
    const v = out[key];
    if (v && !Array.isArray(v))
      out[key] = Object.entries(v).map(([k, x]) => (x === null ? k : `${k}=${String(x)}`));
  }
  return out;
}

function services(text: string): Plain {
  const doc = parseCompose("test.yaml", text, new Diagnostics())[0];
  assert.ok(doc);
  const plain = toPlain(doc) as Plain;
  return Object.fromEntries(Object.entries(plain.services).map(([k, v]) => [k, canonical(v)]));
}

function merged(base: string, over: string): Plain {
  const d = new Diagnostics();
  const [a] = parseCompose("base.yaml", base, d);
  const [b] = parseCompose("over.yaml", over, d);
  assert.ok(a && b);
  const m = mergeProject(a, b);
  stripTags(m);
  const plain = toPlain(m) as Plain;
  return Object.fromEntries(Object.entries(plain.services).map(([k, v]) => [k, canonical(v)]));
}

const svc = (body: string) => `services:\n  test:\n${body.replace(/^/gm, "    ")}\n`;

// Cases and expected results as compose-go's override/merge_*_test.go state them.
const CASES: [string, string, string, string][] = [
  [
    "environment lists append",
    "image: foo\nenvironment: [FOO=BAR]",
    "environment: [QIX=ZOT, EMPTY=, NIL]",
    "image: foo\nenvironment: [FOO=BAR, QIX=ZOT, EMPTY=, NIL]",
  ],
  [
    "environment mappings merge and keep empty and null values",
    "image: foo\nenvironment: {FOO: BAR}",
    "environment: {EMPTY: '', NIL: null, QIX: ZOT}",
    "image: foo\nenvironment: [FOO=BAR, EMPTY=, NIL, QIX=ZOT]",
  ],
  [
    "environment mapping and list mix",
    "image: foo\nenvironment: {FOO: BAR}",
    "environment: [QIX=ZOT]",
    "image: foo\nenvironment: [FOO=BAR, QIX=ZOT]",
  ],
  [
    "environment numbers override by key",
    "environment: {FOO: 1}",
    "environment: {FOO: 3}",
    "environment: [FOO=3]",
  ],
  ["labels override by key", "labels: [a=1, b=1]", "labels: {b: '2'}", "labels: [a=1, b=2]"],
  [
    "same logging driver merges options",
    "image: foo\nlogging: {driver: syslog, options: {syslog-address: 'tcp://192.168.0.42:123'}}",
    "logging: {driver: syslog, options: {syslog-address: 'tcp://127.0.0.1:123'}}",
    "image: foo\nlogging: {driver: syslog, options: {syslog-address: 'tcp://127.0.0.1:123'}}",
  ],
  [
    "a distinct logging driver replaces the options",
    "image: foo\nlogging: {driver: local, options: {max-size: 10m}}",
    "logging: {driver: syslog, options: {syslog-address: 'tcp://127.0.0.1:123'}}",
    "image: foo\nlogging: {driver: syslog, options: {syslog-address: 'tcp://127.0.0.1:123'}}",
  ],
  [
    "logging without drivers merges options",
    "image: foo\nlogging: {options: {max-size: 10m}}",
    "logging: {options: {max-file: 3}}",
    "image: foo\nlogging: {options: {max-size: 10m, max-file: 3}}",
  ],
  [
    "extra_hosts lists append without exact duplicates",
    "image: foo\nextra_hosts: [example.com=1.2.3.4]",
    "extra_hosts: [localhost=127.0.0.1, example.com=1.2.3.4, example.com=4.3.2.1]",
    "image: foo\nextra_hosts: [example.com=1.2.3.4, localhost=127.0.0.1, example.com=4.3.2.1]",
  ],
  [
    "extra_hosts mappings become entries",
    "image: foo\nextra_hosts: {example.com: 1.2.3.4}",
    "extra_hosts: {localhost: 127.0.0.1, example.com: [1.2.3.4, 4.3.2.1]}",
    "image: foo\nextra_hosts: [example.com=1.2.3.4, localhost=127.0.0.1, example.com=4.3.2.1]",
  ],
  [
    "extra_hosts mapping and list mix",
    "image: foo\nextra_hosts: {example.com: 1.2.3.4}",
    "extra_hosts: [localhost=127.0.0.1, example.com=1.2.3.4, example.com=4.3.2.1]",
    "image: foo\nextra_hosts: [example.com=1.2.3.4, localhost=127.0.0.1, example.com=4.3.2.1]",
  ],
  [
    "ulimits entries are replaced, not merged",
    "image: foo\nulimits: {nofile: {soft: 20000, hard: 40000}, nproc: 65535, locks: {soft: 20000, hard: 40000}}",
    "image: foo\nulimits: {nofile: {soft: 10000, hard: 40000}, nproc: {soft: 65535}, locks: {hard: 65535}}",
    "image: foo\nulimits: {nofile: {soft: 10000, hard: 40000}, nproc: {soft: 65535}, locks: {hard: 65535}}",
  ],
  [
    "volumes append, mixing short and long forms",
    "image: foo\nvolumes: [a:/a, {type: bind, source: ./b, target: /b}]",
    "volumes: [c:/c]",
    "image: foo\nvolumes: [a:/a, {type: bind, source: ./b, target: /b}, c:/c]",
  ],
  [
    "a volume with the same target replaces the earlier one in place",
    "volumes: [a:/a, b:/b]",
    "volumes: [{type: volume, source: c, target: /a}]",
    "volumes: [{type: volume, source: c, target: /a}, b:/b]",
  ],
  ["command is replaced, not appended", "command: [a, b]", "command: [c]", "command: [c]"],
  [
    "healthcheck.test is replaced while other fields merge",
    "healthcheck: {test: [CMD, a], interval: 5s}",
    "healthcheck: {test: [CMD, b]}",
    "healthcheck: {test: [CMD, b], interval: 5s}",
  ],
  [
    "a build string merges with a build mapping",
    "build: ./dir",
    "build: {target: prod}",
    "build: {context: ./dir, target: prod}",
  ],
  [
    "cap_add and dns append without duplicates",
    "cap_add: [NET_ADMIN]\ndns: [1.1.1.1]",
    "cap_add: [NET_ADMIN, SYS_TIME]\ndns: [8.8.8.8]",
    "cap_add: [NET_ADMIN, SYS_TIME]\ndns: [1.1.1.1, 8.8.8.8]",
  ],
  [
    "ports de-duplicate by their written form",
    "ports: ['8080:80', '9090:90']",
    "ports: ['8080:80', '7070:70']",
    "ports: ['8080:80', '9090:90', '7070:70']",
  ],
  [
    "depends_on lists and mappings merge by service",
    "depends_on: [db]",
    "depends_on: {cache: {condition: service_healthy}}",
    "depends_on: {db: null, cache: {condition: service_healthy}}",
  ],
  [
    "networks merge by name and aliases append",
    "networks: {front: {aliases: [a]}}",
    "networks: {front: {aliases: [b]}, back: null}",
    "networks: {front: {aliases: [a, b]}, back: null}",
  ],
  [
    "secrets de-duplicate by target",
    "secrets: [a, {source: b, target: /run/secrets/x}]",
    "secrets: [{source: c, target: /run/secrets/a}]",
    "secrets: [{source: c, target: /run/secrets/a}, {source: b, target: /run/secrets/x}]",
  ],
  [
    "!reset removes an attribute and !override replaces one whole",
    "ports: ['80:80']\nenvironment: {A: '1'}\nimage: foo",
    "ports: !reset []\nenvironment: !override {B: '2'}",
    "environment: [B=2]\nimage: foo",
  ],
];

for (const [title, base, over, expected] of CASES) {
  test(`merging: ${title}`, () => {
    assert.deepEqual(merged(svc(base), svc(over)), services(svc(expected)));
  });
}

test("merging a service that only the override file defines adds it", () => {
  const out = merged(svc("image: foo"), "services:\n  other:\n    image: bar\n");
  assert.deepEqual(Object.keys(out), ["test", "other"]);
});
