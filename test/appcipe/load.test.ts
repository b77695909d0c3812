import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { parseRecipe } from "../../src/appcipe/load.js";
import { load, parse, tempDir } from "./support.js";

const seedRecipe = `version: "0.1"
name: StudioPro
app_version: "2.4.0"
old_names: [StudioProBeta]
data_dir: ~/.local/share/StudioPro
crash_policy: fail_fast
services:
  db:
    image:
      source: tar
      file: ./images/postgres16.tar
      format: docker_archive
      platform: linux_amd64
    cmd: ["postgres", "-c", "max_connections=200"]
    workdir: /var/lib/postgresql
    env:
      POSTGRES_PASSWORD: studio
    persist_path: /var/lib/postgresql/data
    ports: ["5432:5432"]
    interface_mode: none
  ui:
    image: ./images/ui.tar
    mounts: ["./presets:/opt/presets", "/bigdata:/mnt/data"]
    ports: ["8080:8080", "9000:9000/udp"]
    interface_mode: gui
    depends_on: [db]
  worker:
    image: ./images/worker.tar
    cmd: python3 worker.py
    mounts: []
    ports: []
`;

const seedFiles = { "images/postgres16.tar": "", "images/ui.tar": "", "images/worker.tar": "" };

test("loads a recipe in the seed's documented shape", () => {
  const r = load(seedRecipe, seedFiles);
  assert.equal(r.name, "StudioPro");
  assert.equal(r.crash, "fail_fast");
  assert.equal(r.network, "bridge");
  assert.deepEqual(r.oldNames, ["StudioProBeta"]);
  assert.deepEqual(
    r.services.map((s) => s.name),
    ["db", "ui", "worker"],
  );
});

test("turns a seed full-form tar image into an absolute path with the canonical format", () => {
  const r = load(seedRecipe, seedFiles);
  assert.deepEqual(r.services[0]?.image, {
    source: "tar",
    file: join(r.dir, "images/postgres16.tar"),
    format: "docker-archive",
    platform: "linux/amd64",
  });
});

test("turns persist_path into a volume named after the service", () => {
  const r = load(seedRecipe, seedFiles);
  assert.deepEqual(r.services[0]?.mounts, [
    { type: "volume", source: "db", target: "/var/lib/postgresql/data", readOnly: false },
  ]);
  assert.deepEqual(r.volumes, { db: { name: "db" } });
});

test("keeps a seed relative mount relative and warns where it resolves", () => {
  const result = parse(seedRecipe, seedFiles);
  const ui = result.recipe?.services[1];
  assert.deepEqual(ui?.mounts, [
    { type: "bind", source: "/bigdata", target: "/mnt/data", readOnly: false },
    { type: "bind", source: "./presets", target: "/opt/presets", readOnly: false },
  ]);
  const warning = result.problems.find((p) => p.code === "recipe/relative-bind");
  assert.equal(warning?.severity, "warning");
  assert.equal(warning?.path, "services.ui.mounts[0]");
  assert.match(warning?.message ?? "", /directory holding the executable/);
});

test("reads ports with the default loopback address and UDP", () => {
  const r = load(seedRecipe, seedFiles);
  assert.deepEqual(r.services[1]?.ports[1], {
    hostIp: "127.0.0.1",
    hostStart: 9000,
    hostEnd: 9000,
    containerStart: 9000,
    containerEnd: 9000,
    protocol: "udp",
  });
});

test("reads a cmd string as a shell command and a list as argv", () => {
  const r = load(seedRecipe, seedFiles);
  assert.deepEqual(r.services[0]?.cmd, { argv: ["postgres", "-c", "max_connections=200"] });
  assert.deepEqual(r.services[2]?.cmd, { shell: "python3 worker.py" });
});

test("fills the documented defaults of a minimal recipe", () => {
  const r = load(`version: "0.1"\nname: tiny\nservices:\n  app:\n    image: redis:7.2\n`);
  assert.equal(r.console, "auto");
  assert.equal(r.dataDir, undefined);
  assert.deepEqual(r.services[0], {
    name: "app",
    image: { source: "image", ref: "redis:7.2" },
    env: {},
    mounts: [],
    files: [],
    ports: [],
    expose: [],
    interfaceMode: "none",
    dependsOn: [],
    restart: { policy: "no" },
    aliases: [],
    extraHosts: [],
    init: false,
    gpu: false,
  });
});

test("leaves the platform unset when the recipe gives none", () => {
  const r = load(
    `version: "0.1"\nname: tiny\nservices:\n  app:\n    image: ghcr.io/acme/app@sha256:${"a".repeat(64)}\n`,
  );
  assert.equal(r.services[0]?.image.platform, undefined);
});

for (const [alias, platform] of [
  ["amd64", "linux/amd64"],
  ["x86_64", "linux/amd64"],
  ["x86-64", "linux/amd64"],
  ["linux_amd64", "linux/amd64"],
  ["arm64", "linux/arm64"],
  ["aarch64", "linux/arm64"],
  ["linux/arm64/v8", "linux/arm64"],
]) {
  test(`reads the platform alias ${alias} as ${platform}`, () => {
    const r = load(
      `version: "0.1"\nname: p\nservices:\n  app:\n    image: {source: image, ref: "redis:7.2", platform: ${alias}}\n`,
    );
    assert.equal(r.services[0]?.image.platform, platform);
  });
}

test("reads a short image string as a path or a reference as the seed did", () => {
  const r = load(
    `version: "0.1"
name: shorts
services:
  a: { image: app.tar }
  b: { image: "localhost:5000/team/app:1.0" }
  c: { image: layout }
`,
    { "app.tar": "", "layout/index.json": "{}" },
  );
  const [a, b, c] = r.services;
  assert.deepEqual(a?.image, { source: "tar", file: join(r.dir, "app.tar"), format: "auto" });
  assert.deepEqual(b?.image, { source: "image", ref: "localhost:5000/team/app:1.0" });
  assert.deepEqual(c?.image, { source: "tar", file: join(r.dir, "layout"), format: "auto" });
});

test("reads the docker, image and dockerfile sources of the full form", () => {
  const r = load(
    `version: "0.1"
name: sources
services:
  a: { image: { source: docker, ref: "myapp:dev" } }
  b: { image: { source: image, file: "redis:7.2" } }
  c:
    image:
      source: dockerfile
      context: ./web
      file: build/Dockerfile.prod
      build_args: { VERSION: 3, DEBUG: false }
      target: runtime
      platform: arm64
`,
    { "web/build/Dockerfile.prod": "FROM scratch\n" },
  );
  const [a, b, c] = r.services;
  assert.deepEqual(a?.image, { source: "docker", ref: "myapp:dev" });
  assert.deepEqual(b?.image, { source: "image", ref: "redis:7.2" });
  assert.deepEqual(c?.image, {
    source: "dockerfile",
    context: join(r.dir, "web"),
    file: "build/Dockerfile.prod",
    buildArgs: { VERSION: "3", DEBUG: "false" },
    target: "runtime",
    platform: "linux/arm64",
  });
});

test("reads the Compose-style service fields into the normalized model", () => {
  const r = load(
    `version: "0.1"
name: compose
volumes:
  data: {}
services:
  web:
    image: nginx:1.27
    entrypoint: ["/docker-entrypoint.sh"]
    user: 101
    env: ["MODE=prod", "EMPTY="]
    volumes:
      - "data:/var/lib/x:ro"
      - { type: tmpfs, target: /cache, tmpfs: { size: 64m, mode: 1777 } }
    tmpfs: /run
    files:
      - { source: ./nginx.conf, target: /etc/nginx/nginx.conf, mode: 0600 }
      - { content: "hello\\n", target: /srv/hello.txt, uid: 101, gid: 101 }
    ports: ["0.0.0.0:8000-8001:80-81", { target: 443, published: "8443", host_ip: "::1" }]
    expose: [9000, "53/udp", "7000-7001"]
    depends_on: { db: { condition: healthy, required: false } }
    healthcheck: { test: "wget -qO- localhost", interval: 1m30s, start_interval: 500ms }
    restart: on-failure:5
    stop_signal: QUIT
    stop_grace_period: 1m
    hostname: frontend
    aliases: [www]
    extra_hosts: ["api.local:10.0.2.2", "v6.local=::1"]
    init: true
    gpu: [0, 2]
  db:
    image: redis:7.2
    healthcheck: { test: ["CMD", "redis-cli", "ping"] }
`,
    { "nginx.conf": "events {}\n" },
  );
  const web = r.services[1];
  assert.ok(web);
  assert.deepEqual(web.entrypoint, { argv: ["/docker-entrypoint.sh"] });
  assert.equal(web.user, "101");
  assert.deepEqual(web.env, { MODE: "prod", EMPTY: "" });
  assert.deepEqual(web.mounts, [
    { type: "tmpfs", target: "/cache", size: 64 * 1024 * 1024, mode: 0o1777 },
    { type: "tmpfs", target: "/run" },
    { type: "volume", source: "data", target: "/var/lib/x", readOnly: true },
  ]);
  assert.deepEqual(web.files, [
    {
      source: join(r.dir, "nginx.conf"),
      target: "/etc/nginx/nginx.conf",
      mode: 0o600,
      uid: 0,
      gid: 0,
    },
    { content: "hello\n", target: "/srv/hello.txt", mode: 0o644, uid: 101, gid: 101 },
  ]);
  assert.deepEqual(web.ports, [
    {
      hostIp: "0.0.0.0",
      hostStart: 8000,
      hostEnd: 8001,
      containerStart: 80,
      containerEnd: 81,
      protocol: "tcp",
    },
    {
      hostIp: "::1",
      hostStart: 8443,
      hostEnd: 8443,
      containerStart: 443,
      containerEnd: 443,
      protocol: "tcp",
    },
  ]);
  assert.deepEqual(
    web.expose.map((e) => `${e.port}/${e.protocol}`),
    ["9000/tcp", "53/udp", "7000/tcp", "7001/tcp"],
  );
  assert.deepEqual(web.dependsOn, [
    { service: "db", condition: "service_healthy", required: false },
  ]);
  assert.deepEqual(web.healthcheck, {
    test: { shell: "wget -qO- localhost" },
    intervalMs: 90_000,
    timeoutMs: 30_000,
    retries: 3,
    startPeriodMs: 0,
    startIntervalMs: 500,
  });
  assert.deepEqual(web.restart, { policy: "on-failure", maxRetries: 5 });
  assert.equal(web.stopSignal, "SIGQUIT");
  assert.equal(web.stopGracePeriodMs, 60_000);
  assert.equal(web.hostname, "frontend");
  assert.deepEqual(web.aliases, ["www"]);
  assert.deepEqual(web.extraHosts, [
    { host: "api.local", ip: "10.0.2.2" },
    { host: "v6.local", ip: "::1" },
  ]);
  assert.equal(web.init, true);
  assert.deepEqual(web.gpu, [0, 2]);
  assert.deepEqual(r.services[0]?.healthcheck?.test, { argv: ["redis-cli", "ping"] });
});

test("ignores x- keys anywhere they may appear", () => {
  const r = load(`version: "0.1"
name: notes
x-defaults: &defaults
  restart: always
services:
  app:
    <<: *defaults
    image: redis:7.2
    x-owner: team-a
`);
  assert.deepEqual(r.services[0]?.restart, { policy: "always" });
});

test("turns a disabled healthcheck into null", () => {
  const r = load(`version: "0.1"
name: hc
services:
  a: { image: "redis:7.2", healthcheck: { disable: true } }
  b: { image: "redis:7.2", healthcheck: { test: ["NONE"] } }
`);
  assert.equal(r.services[0]?.healthcheck, null);
  assert.equal(r.services[1]?.healthcheck, null);
});

test("bakes every file of a directory, keeping each file's permission bits", () => {
  const dir = tempDir({
    "conf/nginx.conf": "events {}\n",
    "conf/sites/app.conf": "server {}\n",
    "conf/run.sh": "#!/bin/sh\n",
  });
  chmodSync(join(dir, "conf/run.sh"), 0o755);
  chmodSync(join(dir, "conf/nginx.conf"), 0o640);
  const r = parseRecipe(
    `version: "0.1"\nname: d\nservices:\n  web:\n    image: nginx:1.27\n    files: [{ source: ./conf, target: /etc/nginx/, uid: 101 }]\n`,
    join(dir, "appcipe.yml"),
  );
  assert.deepEqual(
    r.recipe?.services[0]?.files.map((f) => [f.target, f.mode.toString(8), f.uid]),
    [
      ["/etc/nginx/nginx.conf", "640", 101],
      ["/etc/nginx/run.sh", "755", 101],
      ["/etc/nginx/sites/app.conf", "644", 101],
    ],
  );
});

test("refuses to bake a symbolic link found in a directory", () => {
  const dir = tempDir({ "conf/a.conf": "" });
  symlinkSync("/etc/passwd", join(dir, "conf/link"));
  const r = parseRecipe(
    `version: "0.1"\nname: d\nservices:\n  web:\n    image: nginx:1.27\n    files: [{ source: ./conf, target: /etc/x }]\n`,
    join(dir, "appcipe.yml"),
  );
  assert.equal(r.problems[0]?.code, "recipe/unbakeable-file");
  assert.match(r.problems[0]?.message ?? "", /`link` .* symbolic link/);
});
