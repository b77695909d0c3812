import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { renderRecipe } from "../../src/appcipe/write.js";
import { parseRecipe } from "../../src/appcipe/load.js";
import type { Recipe } from "../../src/appcipe/types.js";
import { assertGolden, load } from "./support.js";

const full = `version: "0.1"
name: shop
app_version: "1.10"
data_dir: ~/ShopData
old_names: [OldShop]
network: internal
console: shown
volumes:
  data: {}
  unused-but-mounted: {}
services:
  web:
    image: { source: dockerfile, context: ./web, build_args: { V: "1" }, target: run, platform: amd64 }
    entrypoint: ["/entry.sh", "--flag"]
    cmd: "exec nginx -g 'daemon off;'"
    workdir: /srv/
    user: "101:101"
    env: { A: "1", B: "yes", C: "" }
    volumes:
      - "data:/var/lib/x:ro"
      - "unused-but-mounted:/var/lib/x/nested"
      - "~/Documents:/docs"
      - { type: bind, source: "/mnt/c:/odd", target: /odd }
      - { type: tmpfs, target: /cache, tmpfs: { size: 64m, mode: "1777" } }
    mounts: ["presets:/presets"]
    files:
      - { source: ./web/nginx.conf, target: /etc/nginx/nginx.conf, mode: "0600", uid: 101 }
      - { content: "line one\\nline two\\n", target: /srv/readme.txt }
    ports: ["127.0.0.1:8080:80", "0.0.0.0:8443:443", "[::1]:5353:53/udp", "9000-9001:9000-9001"]
    expose: [7000, "53/udp"]
    interface_mode: gui
    depends_on: { db: { condition: service_healthy }, cache: { condition: service_started, required: false } }
    healthcheck: { test: ["CMD", "wget", "-q", "localhost"], interval: 1m30s, timeout: 5s, retries: 5, start_period: 10s, start_interval: 1s }
    restart: on-failure:3
    stop_signal: SIGQUIT
    stop_grace_period: 1m30s
    hostname: shop-web
    aliases: [www, shop]
    extra_hosts: ["api.local:10.0.2.2", "v6.local=::1"]
    init: true
    gpu: [0]
  db:
    image: { source: tar, file: ./images/db.tar, format: oci-archive, platform: arm64 }
    persist_path: /var/lib/db
    healthcheck: { test: "pg_isready" }
    restart: unless-stopped
  cache:
    image: { source: docker, ref: "cache:dev" }
    healthcheck: { disable: true }
    restart: always
    gpu: true
  tool:
    image: ./images/tool.tar
    depends_on: [db]
    interface_mode: terminal
    restart: "no"
`;

const files = {
  "web/Dockerfile": "FROM scratch\n",
  "web/nginx.conf": "events {}\n",
  "images/db.tar": "",
  "images/tool.tar": "",
};

function roundTrip(recipe: Recipe): Recipe | undefined {
  const text = renderRecipe(recipe);
  const back = parseRecipe(text, recipe.file);
  assert.deepEqual(
    back.problems.filter((p) => p.severity === "error"),
    [],
    text,
  );
  return back.recipe;
}

test("renders a recipe that loads back to an equal recipe", () => {
  const { dir: _dir, ...recipe } = load(full, files);
  assert.deepEqual(roundTrip(recipe), recipe);
});

test("renders canonical YAML with short forms where they are exact", () => {
  const { dir, ...recipe } = load(full, files);
  const text = renderRecipe(recipe, { header: ["Written by a test.", "Edit freely."] });
  assertGolden(text.replaceAll(dir, "<dir>"), "rendered.yml");
});

test("renders the same text for the same recipe whatever the input order", () => {
  const { dir: _a, ...recipe } = load(full, files);
  const shuffled = { ...recipe, services: [...recipe.services].reverse() };
  assert.equal(renderRecipe(shuffled), renderRecipe(recipe));
});

test("writes build-machine paths relative to baseDir when they lie under it", () => {
  const { dir, ...recipe } = load(full, files);
  const inside = renderRecipe(recipe, { baseDir: dir });
  assert.match(inside, /file: \.\/images\/db\.tar/);
  const outside = renderRecipe(recipe, { baseDir: join(dir, "web") });
  assert.ok(outside.includes(`file: ${join(dir, "images/db.tar")}`));
  assert.match(outside, /context: \.\n/);
});

test("renders a recipe built in code, as the converter does", () => {
  const dir = load(full, files).dir;
  const recipe: Recipe = {
    version: "0.1",
    name: "made",
    oldNames: [],
    crash: "fail_fast",
    network: "bridge",
    console: "auto",
    volumes: {},
    file: join(dir, "appcipe.yml"),
    services: [
      {
        name: "api",
        image: { source: "image", ref: "ghcr.io/acme/api:2.0", platform: "linux/arm64" },
        env: { PORT: "8080" },
        mounts: [{ type: "bind", source: "~/.config/api", target: "/config", readOnly: true }],
        files: [],
        ports: [
          {
            hostIp: "127.0.0.1",
            hostStart: 8080,
            hostEnd: 8080,
            containerStart: 8080,
            containerEnd: 8080,
            protocol: "tcp",
          },
        ],
        expose: [],
        interfaceMode: "none",
        dependsOn: [],
        restart: { policy: "on-failure" },
        aliases: [],
        extraHosts: [],
        init: false,
        gpu: false,
      },
    ],
  };
  assert.deepEqual(roundTrip(recipe), recipe);
});

test("renders awkward strings so they load back unchanged", () => {
  const dir = load(full, files).dir;
  const awkward = [
    "",
    "true",
    "no",
    "1.50",
    "0x1F",
    "~",
    "null",
    " leading and trailing ",
    "# not a comment",
    "a: b",
    "- dash",
    "[x]",
    "{y}",
    "quote \" and ' both",
    "multi\nline\n",
    "no final newline\nhere",
    "tab\there",
    "ünïcödé ✓",
    "${NOT_INTERPOLATED}",
  ];
  const recipe: Recipe = {
    version: "0.1",
    name: "awkward",
    oldNames: [],
    crash: "fail_fast",
    network: "shared",
    console: "auto",
    volumes: {},
    file: join(dir, "appcipe.yml"),
    services: awkward.map((text, i) => ({
      name: `s${String(i).padStart(2, "0")}`,
      image: { source: "image" as const, ref: "redis:7.2" },
      cmd: i % 2 === 0 ? { shell: text || "true" } : { argv: [text, "x"] },
      env: { VALUE: text, [`K${i}.dotted-key`]: text },
      mounts: [],
      files: [{ content: text, target: `/f${i}`, mode: 0o600, uid: 1, gid: 2 }],
      ports: [],
      expose: [],
      interfaceMode: "none" as const,
      dependsOn: [],
      restart: { policy: "no" as const },
      aliases: [],
      extraHosts: [],
      init: false,
      gpu: false,
    })),
  };
  assert.deepEqual(roundTrip(recipe), recipe);
});
