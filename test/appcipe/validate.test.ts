import { test } from "node:test";
import assert from "node:assert/strict";
import { renderRecipe } from "../../src/appcipe/write.js";
import type { Recipe } from "../../src/appcipe/types.js";
import { at, parse, theError } from "./support.js";

const head = `version: "0.1"\nname: demo\n`;

test("reports an unknown key at the key with a did-you-mean fix", () => {
  const r = parse(`${head}services:\n  web:\n    image: redis:7.2\n    prots: ["8080:80"]\n`);
  const p = theError(r, "recipe/unknown-key");
  assert.equal(at(p), "6:5");
  assert.equal(p.path, "services.web.prots");
  assert.match(p.fix ?? "", /did you mean `ports`\?/);
});

test("reports a misspelled top-level key", () => {
  const r = parse(`${head}servcies:\n  web:\n    image: redis:7.2\n`);
  const unknown = theError(r, "recipe/unknown-key");
  assert.equal(at(unknown), "3:1");
  assert.match(unknown.fix ?? "", /`services`/);
  assert.equal(theError(r, "recipe/missing-key").message, "the recipe has no `services`");
});

test("rejects an untagged registry image with the fix to pin it", () => {
  const r = parse(`${head}services:\n  web:\n    image: nginx\n`);
  const p = theError(r, "recipe/unpinned-image");
  assert.equal(at(p), "5:12");
  assert.equal(p.path, "services.web.image");
  assert.match(p.fix ?? "", /nginx:<version>/);
});

test("rejects the latest tag", () => {
  const r = parse(`${head}services:\n  web:\n    image: { source: image, ref: "nginx:latest" }\n`);
  const p = theError(r, "recipe/unpinned-image");
  assert.equal(p.path, "services.web.image.ref");
  assert.equal(at(p), "5:34");
});

test("does not take a registry port for a tag", () => {
  const r = parse(`${head}services:\n  web:\n    image: "registry.local:5000/team/app"\n`);
  assert.equal(theError(r, "recipe/unpinned-image").path, "services.web.image");
});

test("finds a host port clash between services and names the first user", () => {
  const r = parse(`${head}services:
  a:
    image: redis:7.2
    ports: ["8080:80"]
  b:
    image: redis:7.2
    ports: ["53:53/udp", "0.0.0.0:8079-8081:79-81"]
`);
  const p = theError(r, "recipe/port-clash");
  assert.equal(at(p), "9:26");
  assert.equal(p.path, "services.b.ports[1]");
  assert.match(p.message, /already published by services\.a\.ports\[0\]/);
});

test("lets TCP and UDP, and different addresses, share a port number", () => {
  const r = parse(`${head}services:
  a: { image: "redis:7.2", ports: ["8080:80", "127.0.0.2:9000:90"] }
  b: { image: "redis:7.2", ports: ["8080:80/udp", "127.0.0.3:9000:90"] }
`);
  assert.deepEqual(r.problems, []);
});

test("names a dependency cycle in the order it runs", () => {
  const r = parse(`${head}services:
  a: { image: "redis:7.2", depends_on: [b] }
  b: { image: "redis:7.2", depends_on: [c] }
  c: { image: "redis:7.2", depends_on: { a: { condition: service_started } } }
`);
  const p = theError(r, "recipe/dependency-cycle");
  assert.match(p.message, /a -> b -> c -> a/);
  assert.equal(at(p), "4:41");
});

test("rejects a dependency on an unknown service and on itself", () => {
  const r = parse(`${head}services:
  web: { image: "redis:7.2", depends_on: [dbb, web] }
  db: { image: "redis:7.2" }
`);
  const unknown = theError(r, "recipe/unknown-dependency");
  assert.equal(at(unknown), "4:43");
  assert.match(unknown.fix ?? "", /did you mean `db`\?/);
  assert.equal(at(theError(r, "recipe/self-dependency")), "4:48");
});

test("reports every problem at once, sorted by position", () => {
  const r = parse(`version: "0.2"
name: 9lives
services:
  web:
    image: nginx
    ports: ["80"]
    workdir: app
    restart: sometimes
`);
  const errors = r.problems.filter((p) => p.severity === "error");
  assert.deepEqual(
    errors.map((p) => `${at(p)} ${p.code}`).sort(),
    [
      "1:10 recipe/unsupported-version",
      "2:7 recipe/bad-name",
      "5:12 recipe/unpinned-image",
      "6:13 recipe/bad-port",
      "7:14 recipe/relative-container-path",
      "8:14 recipe/bad-restart",
    ].sort(),
  );
});

test("allows one terminal service only", () => {
  const r = parse(`${head}services:
  a: { image: "redis:7.2", interface_mode: terminal }
  b: { image: "redis:7.2", interface_mode: both }
`);
  const p = theError(r, "recipe/two-terminals");
  assert.equal(p.path, "services.b.interface_mode");
});

test("requires a window or terminal service for a hidden console", () => {
  const r = parse(`${head}console: hidden\nservices:\n  a: { image: "redis:7.2" }\n`);
  assert.equal(at(theError(r, "recipe/hidden-console")), "3:10");
});

test("requires named volumes to be declared", () => {
  const r = parse(`${head}services:\n  a:\n    image: redis:7.2\n    volumes: ["cache:/data"]\n`);
  const p = theError(r, "recipe/undeclared-volume");
  assert.equal(at(p), "6:15");
  assert.match(p.fix ?? "", /top-level `volumes:`/);
});

test("rejects a relative bind source under volumes, since the user's machine lacks it", () => {
  const r = parse(
    `${head}services:\n  a:\n    image: redis:7.2\n    volumes: ["./conf:/etc/conf:ro"]\n`,
  );
  const p = theError(r, "recipe/relative-bind");
  assert.match(p.message, /would not exist on the user's machine/);
  assert.match(p.fix ?? "", /`files:`/);
});

test("checks the port syntax: ranges of equal length within 1..65535", () => {
  const r = parse(`${head}services:
  a:
    image: redis:7.2
    ports: ["8000-8002:80-81", "70000:80", "8080:80/sctp", "x:80"]
`);
  const messages = r.problems.map((p) => `${p.path} ${p.message}`);
  assert.deepEqual(messages, [
    "services.a.ports[0] host range 8000-8002 and container range 80-81 differ in length",
    "services.a.ports[1] port 70000 is outside 1..65535",
    "services.a.ports[2] protocol `sctp` is not supported",
    "services.a.ports[3] `x:80` is not a port mapping",
  ]);
});

test("checks durations in Compose syntax", () => {
  const r = parse(`${head}services:
  a:
    image: redis:7.2
    stop_grace_period: 10 seconds
    healthcheck: { test: "true", interval: 1m30s, timeout: 2x }
`);
  const errors = r.problems.map((p) => p.path);
  assert.deepEqual(errors, ["services.a.stop_grace_period", "services.a.healthcheck.timeout"]);
});

test("rejects old names that are not single directory names", () => {
  const r = parse(
    `${head}old_names: ["../etc", ok-name]\nservices:\n  a: { image: "redis:7.2" }\n`,
  );
  const p = theError(r, "recipe/bad-name");
  assert.equal(p.path, "old_names[0]");
});

test("reports a value of the wrong type once, with the expected forms", () => {
  const r = parse(`${head}services:\n  a:\n    image: redis:7.2\n    cmd: 42\n    restart: 3\n`);
  assert.deepEqual(
    r.problems.map((p) => `${p.path}: ${p.message}`),
    [
      "services.a.cmd: `cmd` must be a string or a list",
      "services.a.restart: `restart` must be a string",
    ],
  );
});

test("reports an unknown enum value with the closest allowed one", () => {
  const r = parse(`${head}network: brigde\nservices:\n  a: { image: "redis:7.2" }\n`);
  const p = theError(r, "recipe/unknown-value");
  assert.equal(at(p), "3:10");
  assert.match(p.fix ?? "", /`bridge`/);
});

test("rejects keys that do not apply to the image source", () => {
  const r = parse(
    `${head}services:\n  a:\n    image: { source: image, ref: "redis:7.2", format: oci-archive }\n`,
  );
  const p = theError(r, "recipe/key-not-for-source");
  assert.equal(p.path, "services.a.image.format");
});

test("reports a missing image archive with the path it looked at", () => {
  const r = parse(`${head}services:\n  a:\n    image: ./images/a.tar\n`);
  const p = theError(r, "recipe/missing-path");
  assert.match(p.message, /images\/a\.tar/);
});

test("reports YAML syntax errors with their position", () => {
  const r = parse(`${head}services:\n  a: [\n`);
  assert.equal(r.problems[0]?.code, "recipe/yaml-syntax");
  assert.ok(r.problems[0]?.location);
});

test("rejects Linux-foreign platforms", () => {
  const r = parse(
    `${head}services:\n  a:\n    image: { source: image, ref: "redis:7.2", platform: windows/amd64 }\n`,
  );
  assert.match(theError(r, "recipe/bad-platform").message, /Linux images only/);
});

test("only warns about an unknown dependency that is not required, and drops it", () => {
  const r = parse(`${head}services:
  web: { image: "redis:7.2", depends_on: { metrics: { condition: service_started, required: false } } }
`);
  assert.equal(r.problems[0]?.severity, "warning");
  assert.equal(r.problems[0]?.code, "recipe/unknown-dependency");
  assert.deepEqual(r.recipe?.services[0]?.dependsOn, []);
});

test("rejects waiting for a service whose health check is disabled", () => {
  const r = parse(`${head}services:
  web: { image: "redis:7.2", depends_on: { db: { condition: service_healthy } } }
  db: { image: "redis:7.2", healthcheck: { disable: true } }
`);
  assert.equal(theError(r, "recipe/never-healthy").path, "services.web.depends_on.db");
});

test("rejects an alias that already names another service", () => {
  const r = parse(`${head}services:
  web: { image: "redis:7.2", aliases: [www] }
  api: { image: "redis:7.2", aliases: [WWW, web] }
`);
  const errors = r.problems.filter((p) => p.code === "recipe/duplicate-network-name");
  assert.deepEqual(
    errors.map((p) => p.path),
    ["services.web.aliases[0]", "services.api.aliases[1]"],
  );
});

test("rejects an anonymous volume and names the fix", () => {
  const r = parse(`${head}services:\n  a:\n    image: redis:7.2\n    volumes: ["/var/lib/data"]\n`);
  const p = theError(r, "recipe/anonymous-volume");
  assert.match(p.fix ?? "", /"var-lib-data:\/var\/lib\/data"/);
});

test("warns about Docker mount options that have no effect", () => {
  const r = parse(`version: "0.1"
name: demo
volumes: { data: {} }
services:
  a: { image: "redis:7.2", volumes: ["data:/data:ro,nocopy"] }
`);
  assert.equal(r.problems[0]?.code, "recipe/ignored-mount-option");
  assert.equal(r.problems[0]?.severity, "warning");
  assert.equal(r.recipe?.services[0]?.mounts[0]?.type, "volume");
});

test("rejects an environment variable without a value", () => {
  const r = parse(
    `${head}services:\n  a:\n    image: redis:7.2\n    env: { FROM_SHELL: null, OK: "1" }\n`,
  );
  const p = theError(r, "recipe/env-without-value");
  assert.equal(p.path, "services.a.env.FROM_SHELL");
});

test("rejects a baked file with both source and content, and one with neither", () => {
  const r = parse(
    `${head}services:
  a:
    image: redis:7.2
    files:
      - { source: ./x.conf, content: "x", target: /x }
      - { target: /y }
`,
    { "x.conf": "" },
  );
  assert.equal(theError(r, "recipe/conflicting-keys").path, "services.a.files[0].content");
  assert.equal(theError(r, "recipe/missing-key").path, "services.a.files[1]");
});

test("mounts a container path once per service", () => {
  const r = parse(
    `${head}services:\n  a:\n    image: redis:7.2\n    persist_path: /data\n    tmpfs: ["/data"]\n`,
  );
  assert.equal(theError(r, "recipe/duplicate-mount").path, "services.a.tmpfs[0]");
});

test("reads capabilities in any spelling, privileged and seccomp; names an unknown capability", () => {
  const r = parse(
    `${head}services:\n  web:\n    image: redis:7.2\n    cap_add: [net_admin, CAP_SYS_TIME]\n    cap_drop: [ALL]\n    seccomp: unconfined\n  db:\n    image: redis:7.2\n    privileged: true\n    cap_add: [NET_ADMN]\n`,
  );
  const p = theError(r, "recipe/unknown-capability");
  assert.equal(at(p), "12:15");
  assert.equal(p.path, "services.db.cap_add[0]");
  assert.match(p.fix ?? "", /did you mean NET_ADMIN\?/);
});

test("keeps capabilities, privileged and seccomp through a write and a load", () => {
  const text = `${head}services:\n  web:\n    image: redis:7.2\n    cap_add: [net_admin]\n    cap_drop: [MKNOD]\n    privileged: true\n    seccomp: unconfined\n`;
  const r = parse(text);
  const web = r.recipe?.services[0];
  assert.deepEqual(web?.capAdd, ["CAP_NET_ADMIN"]);
  assert.deepEqual(web?.capDrop, ["CAP_MKNOD"]);
  assert.equal(web?.privileged, true);
  assert.equal(web?.seccomp, "unconfined");
  const again = parse(renderRecipe(r.recipe as Recipe)).recipe?.services[0];
  assert.deepEqual(again, web);
});
