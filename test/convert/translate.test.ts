import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Service } from "../../src/appcipe/types.js";
import { codes, conversionErrors, convertIn, project } from "./support.js";

function services(
  dir: string,
  options: Parameters<typeof convertIn>[1] = {},
): Record<string, Service> {
  const r = convertIn(dir, options);
  return Object.fromEntries(r.recipe.services.map((s) => [s.name, s]));
}

function compose(body: string): Record<string, string> {
  return { "compose.yaml": `services:\n${body}` };
}

test("an unpinned image is an error at the image line; a tag or digest is accepted", (t) => {
  const dir = project(
    t,
    compose(
      "  a:\n    image: redis\n  b:\n    image: redis:latest\n  c:\n    image: redis:7\n  d:\n    image: r.io/x/redis@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n  e:\n    image: localhost:5000/redis\n",
    ),
  );
  const errors = conversionErrors(dir);
  assert.deepEqual(
    errors.map((e) => `${e.code}@${e.location?.line}:${e.location?.col}`),
    [
      "compose/image-not-pinned@3:12",
      "compose/image-not-pinned@5:12",
      "compose/image-not-pinned@11:12",
    ],
  );
  assert.match(errors[0]?.fix ?? "", /redis:VERSION/);
});

test("a service with neither image nor build is an error at the service", (t) => {
  const dir = project(t, compose("  web:\n    restart: always\n"));
  const [e] = conversionErrors(dir);
  assert.equal(e?.code, "compose/no-image");
  assert.equal(e?.location?.line, 2);
});

test("build becomes a Dockerfile source with its args, target and platform", (t) => {
  const dir = project(t, {
    ...compose(
      "  web:\n    build:\n      context: ./app\n      dockerfile: Dockerfile.prod\n      target: run\n      args: [VERSION=1, FROM_ENV]\n    image: ignored-tag\n    platform: linux/arm64\n",
    ),
    "app/Dockerfile.prod": "FROM scratch\n",
  });
  const web = services(dir, { env: { FROM_ENV: "yes" } }).web;
  assert.deepEqual(web?.image, {
    source: "dockerfile",
    context: join(dir, "app"),
    file: "Dockerfile.prod",
    buildArgs: { VERSION: "1", FROM_ENV: "yes" },
    target: "run",
    platform: "linux/arm64",
  });
});

test("a missing build context is an error at the build key", (t) => {
  const dir = project(t, compose("  web:\n    build: ./nothere\n"));
  assert.deepEqual(codes(conversionErrors(dir)), ["compose/build-context-missing"]);
});

test("command and entrypoint strings are split shell-style into argv, not run through sh -c", (t) => {
  const dir = project(
    t,
    compose(
      `  a:\n    image: a:1\n    command: echo "hello world" 'it''s' a\\ b $$HOME\n    entrypoint: ["/bin/tini", "--"]\n  b:\n    image: b:1\n    entrypoint: []\n`,
    ),
  );
  const s = services(dir);
  assert.deepEqual(s.a?.cmd, { argv: ["echo", "hello world", "its", "a b", "$HOME"] });
  assert.deepEqual(s.a?.entrypoint, { argv: ["/bin/tini", "--"] });
  assert.deepEqual(s.b?.entrypoint, { argv: [] });
  assert.equal(s.b?.cmd, undefined);
});

test("environment wins over env_file, a later env_file over an earlier one, and bare keys read the project", (t) => {
  const dir = project(t, {
    ...compose(
      "  web:\n    image: a:1\n    env_file: [one.env, {path: two.env}, {path: missing.env, required: false}]\n    environment:\n      A: from-environment\n      NUM: 5\n      BOOL: true\n      BARE:\n      UNSET:\n",
    ),
    "one.env": "A=one\nB=one\nC=one\n",
    "two.env": "B=two\nREF=${C}-${A}\n",
    ".env": "BARE=from-dotenv\n",
  });
  assert.deepEqual(services(dir).web?.env, {
    A: "from-environment",
    B: "two",
    C: "one",
    REF: "one-from-environment",
    NUM: "5",
    BOOL: "true",
    BARE: "from-dotenv",
  });
});

test("a required env_file that is missing is an error at the entry", (t) => {
  const dir = project(t, compose("  web:\n    image: a:1\n    env_file: nothere.env\n"));
  const [e] = conversionErrors(dir);
  assert.equal(e?.code, "compose/env-file-missing");
  assert.equal(e?.location?.line, 4);
});

test("every port form becomes a mapping bound to 127.0.0.1 unless the address or the flag says otherwise", (t) => {
  const dir = project(
    t,
    compose(
      [
        "  web:",
        "    image: a:1",
        "    ports:",
        '      - "8080:80"',
        '      - "127.0.0.1:8443:443/tcp"',
        '      - "5353:53/udp"',
        '      - "9000-9002:7000-7002"',
        '      - "[::1]:6000:6000"',
        "      - 3000",
        "      - target: 81",
        "        published: '8081'",
        "        host_ip: 10.0.0.5",
        "        protocol: udp",
        "        mode: host",
        '      - "8000-8010:80"',
      ].join("\n") + "\n",
    ),
  );
  const r = convertIn(dir);
  const web = r.recipe.services[0] as Service;
  const short = (p: Service["ports"][number]) =>
    `${p.hostIp} ${p.hostStart}-${p.hostEnd}:${p.containerStart}-${p.containerEnd}/${p.protocol}`;
  assert.deepEqual(web.ports.map(short), [
    "127.0.0.1 8080-8080:80-80/tcp",
    "127.0.0.1 8443-8443:443-443/tcp",
    "127.0.0.1 5353-5353:53-53/udp",
    "127.0.0.1 9000-9002:7000-7002/tcp",
    "::1 6000-6000:6000-6000/tcp",
    "10.0.0.5 8081-8081:81-81/udp",
    "127.0.0.1 8000-8000:80-80/tcp",
  ]);
  assert.deepEqual(web.expose, [{ port: 3000, protocol: "tcp" }]);
  const lines = (code: string) =>
    r.diagnostics.filter((d) => d.code === code).map((d) => d.location?.line);
  assert.deepEqual(lines("compose/port-localhost"), [5, 7, 8, 16]);
  assert.deepEqual(lines("compose/port-no-host-port"), [10]);
  assert.deepEqual(lines("compose/port-host-range"), [16]);
  const all = convertIn(dir, { publishAllInterfaces: true }).recipe.services[0] as Service;
  assert.equal(all.ports[0]?.hostIp, "0.0.0.0");
});

test("a port range whose sides differ in length is an error", (t) => {
  const dir = project(t, compose('  web:\n    image: a:1\n    ports: ["80-82:80-81"]\n'));
  assert.deepEqual(codes(conversionErrors(dir)), ["compose/port-range-mismatch"]);
});

test("expose accepts ports, ranges and protocols", (t) => {
  const dir = project(
    t,
    compose('  web:\n    image: a:1\n    expose: [80, "53/udp", "9000-9001"]\n'),
  );
  assert.deepEqual(services(dir).web?.expose, [
    { port: 80, protocol: "tcp" },
    { port: 53, protocol: "udp" },
    { port: 9000, protocol: "tcp" },
    { port: 9001, protocol: "tcp" },
  ]);
});

test("named volumes are shared, a bind-mounted directory becomes one volume, a file is baked, tmpfs stays", (t) => {
  const dir = project(t, {
    ...compose(
      [
        "  a:",
        "    image: a:1",
        "    volumes:",
        "      - db:/var/lib/db",
        "      - ./data:/data",
        "      - ./conf/app.conf:/etc/app.conf:ro",
        "      - type: tmpfs",
        "        target: /scratch",
        "        tmpfs: {size: 64m, mode: 01777}",
        "      - /var/run/docker.sock:/var/run/docker.sock",
        "    tmpfs: /run/cache:size=1k",
        "  b:",
        "    image: b:1",
        "    volumes: ['db:/db:ro', './data:/shared', '/cache']",
        "volumes:",
        "  db: {}",
      ].join("\n") + "\n",
    ),
    "conf/app.conf": "x=1\n",
    "data/.keep": "",
  });
  const r = convertIn(dir);
  const [a, b] = r.recipe.services as [Service, Service];
  assert.deepEqual(Object.keys(r.recipe.volumes), ["b-cache", "data", "db"]);
  assert.deepEqual(a.mounts, [
    { type: "volume", source: "db", target: "/var/lib/db", readOnly: false },
    { type: "volume", source: "data", target: "/data", readOnly: false },
    { type: "tmpfs", target: "/scratch", size: 64 * 1024 * 1024, mode: 0o1777 },
    {
      type: "bind",
      source: "/var/run/docker.sock",
      target: "/var/run/docker.sock",
      readOnly: false,
    },
    { type: "tmpfs", target: "/run/cache", size: 1024 },
  ]);
  assert.equal(a.files[0]?.source, join(dir, "conf", "app.conf"));
  assert.equal(a.files[0]?.target, "/etc/app.conf");
  assert.deepEqual(
    b.mounts.map((m) => (m.type === "tmpfs" ? m.target : `${m.source}:${m.target}`)),
    ["db:/db", "data:/shared", "b-cache:/cache"],
  );
  const warned = new Set(codes(r.diagnostics));
  for (const c of [
    "compose/bind-dir-volume",
    "compose/bind-file-baked",
    "compose/bind-host-path",
    "compose/anonymous-volume",
  ])
    assert.ok(warned.has(c), c);
});

test("--keep-bind-mounts keeps a bind-mounted directory as a host mount", (t) => {
  const dir = project(t, {
    ...compose("  a:\n    image: a:1\n    volumes: ['~/music:/music', '/srv/x:/x']\n"),
  });
  const a = services(dir, { keepBindMounts: true }).a as Service;
  assert.deepEqual(a.mounts, [
    { type: "bind", source: "~/music", target: "/music", readOnly: false },
    { type: "bind", source: "/srv/x", target: "/x", readOnly: false },
  ]);
});

test("a volume that is not declared at the top level is an error", (t) => {
  const dir = project(t, compose("  a:\n    image: a:1\n    volumes: ['nothere:/x']\n"));
  assert.deepEqual(codes(conversionErrors(dir)), ["compose/undefined-volume"]);
});

test("depends_on keeps conditions and required, and links add dependencies and aliases", (t) => {
  const dir = project(
    t,
    compose(
      [
        "  web:",
        "    image: a:1",
        "    depends_on:",
        "      db: {condition: service_healthy}",
        "      init: {condition: service_completed_successfully, required: false}",
        "    links: ['cache:memo']",
        "  db: {image: d:1}",
        "  init: {image: i:1}",
        "  cache: {image: c:1}",
      ].join("\n") + "\n",
    ),
  );
  const s = services(dir);
  assert.deepEqual(s.web?.dependsOn, [
    { service: "cache", condition: "service_started", required: true },
    { service: "db", condition: "service_healthy", required: true },
    { service: "init", condition: "service_completed_successfully", required: false },
  ]);
  assert.deepEqual(s.cache?.aliases, ["memo"]);
});

test("a dependency on a service disabled by profiles is an error unless it is optional", (t) => {
  const dir = project(
    t,
    compose(
      "  web:\n    image: a:1\n    depends_on: [db]\n  db:\n    image: d:1\n    profiles: [db]\n",
    ),
  );
  const [e] = conversionErrors(dir);
  assert.equal(e?.code, "compose/depends-on-missing");
  assert.match(e?.fix ?? "", /--profile/);
  assert.equal(services(dir, { profiles: ["db"] }).web?.dependsOn.length, 1);
});

test("healthchecks keep every field; disable and NONE turn the image's check off", (t) => {
  const dir = project(
    t,
    compose(
      [
        "  a:",
        "    image: a:1",
        "    healthcheck:",
        '      test: ["CMD", "curl", "-f", "http://localhost"]',
        "      interval: 1m30s",
        "      timeout: 10s",
        "      retries: 5",
        "      start_period: 40s",
        "      start_interval: 2s",
        "  b: {image: b:1, healthcheck: {test: wget -q localhost}}",
        '  c: {image: c:1, healthcheck: {test: ["CMD-SHELL", "pg_isready"]}}',
        "  d: {image: d:1, healthcheck: {disable: true}}",
        '  e: {image: e:1, healthcheck: {test: ["NONE"]}}',
      ].join("\n") + "\n",
    ),
  );
  const s = services(dir);
  assert.deepEqual(s.a?.healthcheck, {
    test: { argv: ["curl", "-f", "http://localhost"] },
    intervalMs: 90_000,
    timeoutMs: 10_000,
    retries: 5,
    startPeriodMs: 40_000,
    startIntervalMs: 2_000,
  });
  assert.deepEqual(s.b?.healthcheck?.test, { shell: "wget -q localhost" });
  assert.equal(s.b?.healthcheck?.intervalMs, 30_000);
  assert.deepEqual(s.c?.healthcheck?.test, { shell: "pg_isready" });
  assert.equal(s.d?.healthcheck, null);
  assert.equal(s.e?.healthcheck, null);
});

test("process settings: restart, stop signal and grace period, user, workdir, init, hostname, extra hosts", (t) => {
  const dir = project(
    t,
    compose(
      [
        "  a:",
        "    image: a:1",
        "    restart: on-failure:3",
        "    stop_signal: SIGINT",
        "    stop_grace_period: 1m",
        "    user: '1000:1000'",
        "    working_dir: /app",
        "    init: true",
        "    hostname: api",
        "    container_name: my-api",
        "    networks: {back: {aliases: [api.internal]}}",
        '    extra_hosts: ["db.local:10.0.0.2", "v6.local=::1", "gw:host-gateway"]',
        "  b: {image: b:1, deploy: {restart_policy: {condition: on-failure, max_attempts: 2}}}",
        "networks: {back: {}}",
      ].join("\n") + "\n",
    ),
  );
  const r = convertIn(dir);
  const [a, b] = r.recipe.services as [Service, Service];
  assert.deepEqual(a.restart, { policy: "on-failure", maxRetries: 3 });
  assert.deepEqual(
    [a.stopSignal, a.stopGracePeriodMs, a.user, a.workdir, a.init, a.hostname],
    ["SIGINT", 60_000, "1000:1000", "/app", true, "api"],
  );
  assert.deepEqual(a.aliases, ["my-api", "api.internal"]);
  assert.deepEqual(a.extraHosts, [
    { host: "db.local", ip: "10.0.0.2" },
    { host: "v6.local", ip: "::1" },
  ]);
  assert.ok(codes(r.diagnostics).includes("compose/extra-host-gateway"));
  assert.deepEqual(b.restart, { policy: "on-failure", maxRetries: 2 });
});

test("network_mode host gives the app the host's network and says so when not every service asked", (t) => {
  const dir = project(t, compose("  a: {image: a:1, network_mode: host}\n  b: {image: b:1}\n"));
  const r = convertIn(dir);
  assert.equal(r.recipe.network, "shared");
  assert.ok(codes(r.diagnostics).includes("compose/network-shared"));
});

test("tty or stdin_open make one service the terminal service; a second one is warned about", (t) => {
  const dir = project(
    t,
    compose(
      "  a: {image: a:1, tty: true, stdin_open: true}\n  b: {image: b:1, stdin_open: true}\n",
    ),
  );
  const r = convertIn(dir);
  assert.deepEqual(
    r.recipe.services.map((s) => s.interfaceMode),
    ["terminal", "none"],
  );
  assert.deepEqual(
    r.diagnostics.filter((d) => d.code === "compose/terminal-taken").map((d) => d.path),
    ["services.b.stdin_open"],
  );
});

test("configs and secrets become baked files at their targets; secrets are warned about", (t) => {
  const dir = project(t, {
    ...compose(
      [
        "  a:",
        "    image: a:1",
        "    configs: [inline, {source: fromfile, target: /etc/x.conf, mode: 0440, uid: '100'}]",
        "    secrets: [pw]",
        "configs:",
        "  inline: {content: 'hello $${NAME}'}",
        "  fromfile: {file: ./x.conf}",
        "secrets:",
        "  pw: {environment: PW}",
      ].join("\n") + "\n",
    ),
    "x.conf": "x\n",
  });
  const r = convertIn(dir, { env: { PW: "s3cret" } });
  assert.deepEqual((r.recipe.services[0] as Service).files, [
    { content: "hello ${NAME}", target: "/inline", mode: 0o444, uid: 0, gid: 0 },
    { source: join(dir, "x.conf"), target: "/etc/x.conf", mode: 0o440, uid: 100, gid: 0 },
    { content: "s3cret", target: "/run/secrets/pw", mode: 0o444, uid: 0, gid: 0 },
  ]);
  assert.ok(codes(r.diagnostics).includes("compose/secret-baked"));
});

test("keys the runtime cannot honour are warned about where they were written; x- keys are left alone", (t) => {
  const dir = project(
    t,
    compose(
      "  a:\n    image: a:1\n    sysctls: {net.core.somaxconn: 1024}\n    x-note: hi\n    deploy:\n      resources:\n        limits: {memory: 1g}\n    labels: {a: b}\n",
    ),
  );
  const r = convertIn(dir);
  const ignored = r.diagnostics
    .filter((d) => d.code === "compose/ignored-key")
    .map((d) => `${d.path}@${d.location?.line}:${d.location?.col}`);
  assert.deepEqual(ignored, [
    "services.a.sysctls@4:5",
    "services.a.deploy.resources.limits@8:9",
    "services.a.labels@9:5",
  ]);
});

test("capabilities, privileged and seccomp=unconfined carry over; other security options are warned about", (t) => {
  const dir = project(
    t,
    compose(
      [
        "  a:",
        "    image: a:1",
        "    cap_add: [net_admin, CAP_SYS_TIME, NET_ADMIN, NOT_A_CAP]",
        "    cap_drop: [ALL]",
        "    security_opt: [seccomp=unconfined, apparmor=unconfined]",
        "  b: {image: b:1, privileged: true}",
        "",
      ].join("\n"),
    ),
  );
  const r = convertIn(dir);
  const [a, b] = r.recipe?.services ?? [];
  assert.deepEqual(a?.capAdd, ["CAP_NET_ADMIN", "CAP_SYS_TIME"]);
  assert.deepEqual(a?.capDrop, ["ALL"]);
  assert.equal(a?.seccomp, "unconfined");
  assert.equal(b?.privileged, true);
  const at = (code: string) =>
    r.diagnostics.filter((d) => d.code === code).map((d) => `${d.path}@${d.location?.line}`);
  assert.deepEqual(at("compose/unknown-capability"), ["services.a.cap_add[3]@4"]);
  assert.deepEqual(at("compose/security-opt"), ["services.a.security_opt[1]@6"]);
  assert.deepEqual(at("compose/privileged"), ["services.b.privileged@7"]);
});

test("nothing is warned about for keys only normalization would add", (t) => {
  const dir = project(t, compose("  a:\n    image: a:1\n"));
  assert.deepEqual(convertIn(dir).diagnostics, []);
});

test("GPU requests from gpus or deploy device reservations give the service GPUs", (t) => {
  const dir = project(
    t,
    compose(
      [
        "  a: {image: a:1, gpus: all}",
        "  b:",
        "    image: b:1",
        "    deploy: {resources: {reservations: {devices: [{driver: nvidia, device_ids: ['0', '2'], capabilities: [gpu]}]}}}",
      ].join("\n") + "\n",
    ),
  );
  const s = services(dir);
  assert.equal(s.a?.gpu, true);
  assert.deepEqual(s.b?.gpu, [0, 2]);
});

test("the app is named after the project unless --name says otherwise", (t) => {
  const dir = project(t, { "compose.yaml": "name: shop\nservices:\n  a: {image: a:1}\n" });
  assert.equal(convertIn(dir).recipe.name, "shop");
  assert.equal(convertIn(dir, { name: "Store" }).recipe.name, "Store");
});

test("runtime: nvidia gives the service GPUs; another runtime is warned about", (t) => {
  const dir = project(
    t,
    compose("  a: {image: a:1, runtime: nvidia}\n  b: {image: b:1, runtime: kata}\n"),
  );
  const r = convertIn(dir);
  assert.deepEqual(
    r.recipe.services.map((s) => s.gpu),
    [true, false],
  );
  assert.deepEqual(codes(r.diagnostics), ["compose/runtime"]);
});
