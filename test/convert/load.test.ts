import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { Diagnostics } from "../../src/convert/diagnostics.js";
import { loadProject, type LoadOptions } from "../../src/convert/load.js";
import { toPlain } from "../../src/convert/node.js";
import { UserError } from "../../src/util/errors.js";
import { fixturesDir, needShared, project } from "./support.js";

const cli = join(fixturesDir, "cli", "testdata");
const loader = join(fixturesDir, "loader", "testdata");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Plain = any;

function load(options: LoadOptions): {
  model: Plain;
  name: string;
  diags: Diagnostics;
  disabled: string[];
} {
  const diags = new Diagnostics();
  const p = loadProject({ env: {}, cwd: cli, ...options }, diags);
  return { model: toPlain(p.model), name: p.name, diags, disabled: p.disabledServices };
}

function loadError(options: LoadOptions): UserError {
  try {
    load(options);
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("loading succeeded");
}

const simple = join(cli, "simple", "compose.yaml");

test("the project name follows -p, then COMPOSE_PROJECT_NAME, then name:, then the directory", (t) => {
  if (!needShared(t, fixturesDir)) return;
  assert.equal(load({ files: [simple], projectName: "my_project" }).name, "my_project");
  assert.equal(load({ files: [simple], projectName: "42my_project_num" }).name, "42my_project_num");
  assert.equal(
    load({ files: [simple], env: { COMPOSE_PROJECT_NAME: "42my_project_env" } }).name,
    "42my_project_env",
  );
  assert.equal(load({ files: [simple], projectName: "" }).name, "simple");
  assert.equal(load({ files: [simple], projectDirectory: "/path/to/proj" }).name, "proj");
  assert.equal(
    load({ files: [join(cli, "UNNORMALIZED PATH", "compose.yaml")] }).name,
    "unnormalizedpath",
  );
  const named = join(cli, "simple", "compose-name.yaml");
  assert.equal(load({ files: [named], env: { TEST: "expected" } }).name, "test-expected-test");
});

test("rejects a project name the user wrote that Compose would not accept", (t) => {
  if (!needShared(t, fixturesDir)) return;
  for (const bad of ["-my_project", "_my_project", "www.my.project", "MY_PROJECT"]) {
    assert.match(
      loadError({ files: [simple], projectName: bad }).message,
      new RegExp(`invalid project name "${bad.replace(/\./g, "\\.")}"`),
    );
    assert.match(
      loadError({ files: [simple], env: { COMPOSE_PROJECT_NAME: bad } }).message,
      /invalid project name/,
    );
  }
  assert.match(
    loadError({ files: [simple], projectDirectory: "/" }).message,
    /cannot derive a project name/,
  );
});

test("a later -f file overrides an earlier one", (t) => {
  if (!needShared(t, fixturesDir)) return;
  const { model } = load({ files: [simple, join(cli, "simple", "compose-with-overrides.yaml")] });
  assert.equal(model.services.simple.image, "haproxy");
});

test("the working directory's .env feeds interpolation", (t) => {
  if (!needShared(t, fixturesDir)) return;
  const { model } = load({ files: ["compose-with-variables.yaml"], cwd: join(cli, "simple") });
  assert.deepEqual(model.services.simple.ports, ["8000:80"]);
});

test(".env can name the compose file and the project, as COMPOSE_FILE and COMPOSE_PROJECT_NAME", (t) => {
  if (!needShared(t, fixturesDir)) return;
  const r = load({ cwd: join(cli, "env-file") });
  assert.equal(r.name, "my_project_from_dot_env");
  assert.deepEqual(r.model.services.simple.ports, ["8000:80"]);
});

test("later --env-file files override earlier ones and the OS environment wins over both", (t) => {
  if (!needShared(t, fixturesDir)) return;
  const dir = join(cli, "env-file");
  const files = ["compose-with-env-files.yaml"];
  const envFiles = [".env", "override.env"];
  assert.deepEqual(load({ cwd: dir, files, envFiles }).model.services.simple.ports, ["9000:80"]);
  assert.deepEqual(
    load({ cwd: dir, files, envFiles, env: { PORT: "7000" } }).model.services.simple.ports,
    ["7000:80"],
  );
});

test("extends copies the base service from another file and merges the local keys on top", (t) => {
  if (!needShared(t, fixturesDir)) return;
  const dir = project(t, {
    "compose.yaml": [
      "services:",
      ...["test1", "test2"].map(
        (n) =>
          `  ${n}:\n    extends: {file: ${loader}/extends/base.yaml, service: base}\n    hostname: ${n}`,
      ),
      `  test3:\n    extends: {file: ${loader}/extends/base.yaml, service: another}\n    hostname: test3`,
      `  port:\n    image: test\n    extends: {file: ${loader}/extends/base.yaml, service: with-port}`,
      `  ulimits:\n    extends: {file: ${loader}/extends/base.yaml, service: withUlimits}`,
      `  build:\n    extends: {file: ${loader}/extends/base.yaml, service: with-build}`,
    ].join("\n"),
  });
  const s = load({ cwd: dir }).model.services;
  assert.deepEqual(
    [s.test1.hostname, s.test2.hostname, s.test3.hostname],
    ["test1", "test2", "test3"],
  );
  assert.equal(s.test3.image, "base");
  assert.deepEqual(s.port.ports, ["8000:8000"]);
  assert.equal(s.ulimits.ulimits.nproc, 65535);
  assert.equal(s.build.build, join(loader, "extends"));
  assert.equal(s.test1.extends, undefined);
});

test("paths of an extended file resolve against that file, also through a same-file extends", (t) => {
  const dir = project(t, {
    "sub/compose.yaml":
      "services:\n  base:\n    build:\n      context: ..\n  service:\n    extends: base\n    build:\n      target: target\n",
    "compose.yaml":
      "services:\n  out-base:\n    extends: {file: sub/compose.yaml, service: base}\n  out-service:\n    extends: {file: sub/compose.yaml, service: service}\n",
  });
  const s = load({ cwd: dir }).model.services;
  assert.equal(s["out-base"].build.context, dir);
  assert.deepEqual(s["out-service"].build, { context: dir, target: "target" });
});

test("extends from the compose-go fixture loads env_file relative to the imported file", (t) => {
  if (!needShared(t, fixturesDir)) return;
  const s = load({ files: [join(loader, "compose-test-extends.yaml")] }).model.services;
  assert.equal(s.importer.image, "nginx");
  assert.equal(s.importer.container_name, "imported");
  assert.deepEqual(s.importer.env_file, [join(loader, "subdir", "extra.env")]);
});

test("!reset in an extending service removes the inherited attribute", (t) => {
  if (!needShared(t, fixturesDir)) return;
  const s = load({ files: [join(loader, "extends", "reset.yaml")] }).model.services;
  assert.equal(s.base.command, undefined);
  assert.equal(s.base.image, "alpine:latest");
});

test("an extends cycle and a missing base service are located errors", (t) => {
  const dir = project(t, {
    "compose.yaml":
      "services:\n  a:\n    extends: b\n  b:\n    extends: a\n  c:\n    image: x:1\n    extends: nothere\n",
  });
  const e = loadError({ cwd: dir });
  const found = e.problems.map((p) => `${p.code}@${p.location?.line}`);
  assert.ok(
    found.includes("compose/extends-cycle@3") || found.includes("compose/extends-cycle@5"),
    found.join(),
  );
  assert.ok(found.includes("compose/extends-unknown-service@8"), found.join());
});

test("include loads another project under the local one, with its own directory", (t) => {
  if (!needShared(t, fixturesDir)) return;
  const s = load({ files: [join(loader, "include", "compose.yaml")] }).model.services;
  assert.equal(s.included.build, join(loader, "include"));
  assert.deepEqual(s.included.volumes, [`${join(loader, "include")}:/mnt`]);
  const pd = load({ files: [join(loader, "include", "project-directory.yaml")] }).model.services;
  assert.equal(
    pd.service.volumes[0].source,
    join(loader, "subdir", "compose-test-extends-imported.yaml"),
  );
  assert.deepEqual(pd.service.env_file, [join(loader, "subdir", "extra.env")]);
});

test("include resolves extends inside the included files", (t) => {
  if (!needShared(t, fixturesDir)) return;
  const s = load({ files: [join(loader, "combined", "compose.yaml")] }).model.services;
  assert.equal(s.service.build, join(loader, "combined", "dir"));
});

test("an include cycle is an error at the include", (t) => {
  if (!needShared(t, fixturesDir)) return;
  const e = loadError({ files: [join(loader, "compose-include-cycle.yaml")] });
  assert.ok(e.problems.some((p) => p.code === "compose/include-cycle" && p.location?.line === 2));
});

test("a local service merges on top of an included one with the same name", (t) => {
  const dir = project(t, {
    "other/compose.yaml": "services:\n  web:\n    image: a:1\n    environment: [A=1, B=1]\n",
    "compose.yaml": "include: [other/compose.yaml]\nservices:\n  web:\n    environment: [B=2]\n",
  });
  const web = load({ cwd: dir }).model.services.web;
  assert.equal(web.image, "a:1");
  assert.deepEqual(web.environment, { A: "1", B: "2" });
});

test("profiles enable services by --profile, COMPOSE_PROFILES or *, and never filter services without profiles", (t) => {
  const dir = project(t, {
    "compose.yaml":
      "services:\n  a: {image: a:1}\n  b: {image: b:1, profiles: [debug]}\n  c: {image: c:1, profiles: [other]}\n",
  });
  assert.deepEqual(Object.keys(load({ cwd: dir }).model.services), ["a"]);
  assert.deepEqual(load({ cwd: dir }).disabled, ["b", "c"]);
  assert.deepEqual(Object.keys(load({ cwd: dir, profiles: ["debug"] }).model.services), ["a", "b"]);
  assert.deepEqual(
    Object.keys(load({ cwd: dir, env: { COMPOSE_PROFILES: "other, debug" } }).model.services),
    ["a", "b", "c"],
  );
  assert.deepEqual(Object.keys(load({ cwd: dir, profiles: ["*"] }).model.services), [
    "a",
    "b",
    "c",
  ]);
});

test("finds compose.yaml in a parent directory and adds its override file", (t) => {
  const dir = project(t, {
    "compose.yaml": "services:\n  web: {image: a:1, ports: ['80:80']}\n",
    "compose.override.yaml": "services:\n  web: {ports: ['81:81']}\n",
    "deep/er/.keep": "",
  });
  const r = load({ cwd: join(dir, "deep", "er") });
  assert.deepEqual(r.model.services.web.ports, ["80:80", "81:81"]);
  assert.equal(
    r.name,
    dir
      .split("/")
      .pop()
      ?.toLowerCase()
      .replace(/[^a-z0-9_-]/g, ""),
  );
});

test("prefers compose.yaml over docker-compose.yml and warns that several exist", (t) => {
  const dir = project(t, {
    "compose.yaml": "services:\n  a: {image: a:1}\n",
    "docker-compose.yml": "services:\n  b: {image: b:1}\n",
  });
  const r = load({ cwd: dir });
  assert.deepEqual(Object.keys(r.model.services), ["a"]);
  assert.ok(r.diags.items.some((d) => d.code === "compose/multiple-config-files"));
});

test("COMPOSE_FILE lists files separated by COMPOSE_PATH_SEPARATOR", (t) => {
  const dir = project(t, {
    "one.yaml": "services:\n  a: {image: a:1}\n",
    "two.yaml": "services:\n  b: {image: b:1}\n",
  });
  const r = load({
    cwd: dir,
    env: { COMPOSE_FILE: "one.yaml;two.yaml", COMPOSE_PATH_SEPARATOR: ";" },
  });
  assert.deepEqual(Object.keys(r.model.services), ["a", "b"]);
});

test("no compose file anywhere up the tree is an error naming the names looked for", (t) => {
  const dir = project(t, { "empty/.keep": "" });
  assert.match(
    loadError({ cwd: join(dir, "empty"), projectDirectory: join(dir, "empty") }).fix ?? "",
    /compose\.yaml/,
  );
});

test("anchors, aliases and merge keys resolve before interpolation, explicit keys winning", (t) => {
  const dir = project(t, {
    "compose.yaml": [
      "x-common: &common",
      "  restart: always",
      "  environment: {A: $$HOME}",
      "x-more: &more",
      "  restart: 'no'",
      "  user: nobody",
      "services:",
      "  web:",
      "    <<: [*common, *more]",
      "    image: a:1",
      "    user: root",
    ].join("\n"),
  });
  const web = load({ cwd: dir }).model.services.web;
  assert.deepEqual(web, {
    restart: "always",
    environment: { A: "$HOME" },
    user: "root",
    image: "a:1",
  });
});

test("!reset and !override change how an override file merges", (t) => {
  const dir = project(t, {
    "compose.yaml":
      "services:\n  web:\n    image: a:1\n    ports: ['80:80']\n    environment: {A: '1', B: '1'}\n",
    "compose.override.yaml":
      "services:\n  web:\n    ports: !reset []\n    environment: !override {C: '3'}\n",
  });
  const web = load({ cwd: dir }).model.services.web;
  assert.equal(web.ports, undefined);
  assert.deepEqual(web.environment, { C: "3" });
});

test("merging appends lists, merges mappings by key and de-duplicates ports, volumes and env", (t) => {
  const dir = project(t, {
    "a.yaml":
      "services:\n  web:\n    image: a:1\n    command: [one]\n    ports: ['80:80']\n    volumes: ['./x:/data', 'v:/cache']\n    environment: [A=1, B=1]\n    depends_on: [db]\n  db: {image: d:1}\nvolumes: {v: {}}\n",
    "b.yaml":
      "services:\n  web:\n    command: [two]\n    ports: ['80:80', '81:81']\n    volumes: ['./y:/data']\n    environment: {B: '2'}\n    depends_on: {db: {condition: service_healthy}}\n",
  });
  const web = load({ cwd: dir, files: ["a.yaml", "b.yaml"] }).model.services.web;
  assert.deepEqual(web.command, ["two"]);
  assert.deepEqual(web.ports, ["80:80", "81:81"]);
  assert.deepEqual(web.volumes, [`${dir}/y:/data`, "v:/cache"]);
  assert.deepEqual(web.environment, { A: "1", B: "2" });
  assert.deepEqual(web.depends_on, { db: { condition: "service_healthy" } });
});

test("every document of a multi-document file is merged in order", (t) => {
  const dir = project(t, {
    "compose.yaml":
      "services:\n  a: {image: a:1}\n---\nservices:\n  a: {image: a:2}\n  b: {image: b:1}\n",
  });
  const s = load({ cwd: dir }).model.services;
  assert.deepEqual([s.a.image, s.b.image], ["a:2", "b:1"]);
});

test("values are interpolated but keys are not, and typed fields are cast after interpolation", (t) => {
  const dir = project(t, {
    "compose.yaml":
      "services:\n  web:\n    image: ${IMG}\n    environment: {$$KEY: v}\n    healthcheck: {retries: '${R}'}\n    init: '${I}'\n",
  });
  const web = load({ cwd: dir, env: { IMG: "a:1", R: "5", I: "yes" } }).model.services.web;
  assert.equal(web.image, "a:1");
  assert.deepEqual(Object.keys(web.environment), ["$$KEY"]);
  assert.equal(web.healthcheck.retries, 5);
  assert.equal(web.init, true);
});

test("an unset variable warns once at its first use; a required one is an error at its value", (t) => {
  const dir = project(t, {
    "compose.yaml": "services:\n  web:\n    image: a:${TAG}\n    user: ${TAG}\n",
  });
  const warned = load({ cwd: dir }).diags.items.filter((d) => d.code === "compose/unset-variable");
  assert.equal(warned.length, 1);
  assert.deepEqual([warned[0]?.location?.line, warned[0]?.location?.col], [3, 12]);
  const req = project(t, {
    "compose.yaml": "services:\n  web:\n    image: a:${TAG:?set the tag}\n",
  });
  const e = loadError({ cwd: req });
  assert.equal(e.problems[0]?.code, "compose/required-variable");
  assert.equal(e.problems[0]?.message, "required variable TAG is missing a value: set the tag");
  assert.equal(e.problems[0]?.location?.line, 3);
});

test("schema errors point at the offending key or value", (t) => {
  const dir = project(t, {
    "compose.yaml": "services:\n  web:\n    image: a:1\n    imgae: b\n    ports: {a: 1}\n",
  });
  const e = loadError({ cwd: dir });
  const at = e.problems.map((p) => `${p.path}@${p.location?.line}:${p.location?.col}`);
  assert.ok(at.includes("services.web.imgae@4:5"), at.join());
  assert.ok(at.includes("services.web.ports@5:12"), at.join());
});

test("YAML syntax errors are located and never thrown as bugs", (t) => {
  const dir = project(t, { "compose.yaml": "services:\n  web:\n    image: [a\n" });
  const e = loadError({ cwd: dir });
  assert.equal(e.problems[0]?.code, "compose/yaml-syntax");
  assert.ok((e.problems[0]?.location?.line ?? 0) >= 3);
});

test("YAML 1.1 booleans such as yes are still read as booleans, with a warning", (t) => {
  const dir = project(t, {
    "compose.yaml": "services:\n  test:\n    image: a:1\n    init: yes\n    tty: 'off'\n",
  });
  const r = load({ cwd: dir });
  assert.equal(r.model.services.test.init, true);
  assert.equal(r.model.services.test.tty, false);
  assert.deepEqual(
    r.diags.items.map((d) => `${d.code}@${d.location?.line}`),
    ["compose/legacy-boolean@4", "compose/legacy-boolean@5"],
  );
});

test("duplicate list entries within one file are de-duplicated as docker compose does", (t) => {
  const dir = project(t, {
    "compose.yaml":
      "services:\n  web:\n    image: a:1\n    ports: ['80:80', '80:80']\n    volumes: [a:/data, b:/data]\nvolumes: {a: {}, b: {}}\n",
  });
  const web = load({ cwd: dir }).model.services.web;
  assert.deepEqual(web.ports, ["80:80"]);
  assert.deepEqual(web.volumes, ["b:/data"]);
});
