import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../support/cli.js";
import { project } from "./support.js";

const dockerHost = process.env.CHEFER_TEST_DOCKER_HOST;

function needDocker(t: TestContext): boolean {
  if (dockerHost) return true;
  if (process.env.CI) assert.fail("CHEFER_TEST_DOCKER_HOST is not set");
  t.skip("CHEFER_TEST_DOCKER_HOST is not set; run `bash scripts/services.sh start`");
  return false;
}

const COMPOSE = `name: e2e
services:
  web:
    build: ./app
    command: httpd -f -p 8080 -h /www
    ports: ["18481:8080"]
    volumes:
      - ./index.html:/www/index.html:ro
      - data:/data
    depends_on:
      probe: {condition: service_healthy}
  probe:
    build: ./app
    command: ["sh", "-c", "echo ready > /tmp/ok; sleep 3600"]
    tmpfs: /tmp
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ok"]
      interval: 1s
volumes:
  data: {}
`;

interface Manifest {
  volumes: string[];
  services: {
    name: string;
    cmd: string[];
    files: { target: string }[];
    mounts: { type: string; target: string }[];
    depends_on: { service: string; condition: string }[];
  }[];
}

test("a converted compose project builds into an executable holding what the compose file asked for", async (t) => {
  if (!needDocker(t)) return;
  const dir = project(t, {
    "compose.yaml": COMPOSE,
    "index.html": "<h1>converted</h1>\n",
    "app/Dockerfile":
      'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n',
  });
  copyFileSync("/bin/busybox", join(dir, "app", "busybox"));
  const converted = await runCli(["from-compose"], { cwd: dir });
  assert.equal(converted.code, 0, converted.stderr);
  const built = await runCli(["build", "--out", "dist"], {
    cwd: dir,
    env: { DOCKER_HOST: dockerHost },
  });
  assert.equal(built.code, 0, built.stderr);
  const exe = join(dir, "dist", "e2e-x86_64-linux");
  assert.ok(existsSync(exe));
  const inspected = await runCli(["inspect", exe, "--format", "json"], { cwd: dir });
  const manifest = (JSON.parse(inspected.stdout) as { manifest: Manifest }).manifest;
  assert.deepEqual(manifest.volumes, ["data"]);
  const web = manifest.services.find((s) => s.name === "web");
  assert.deepEqual(web?.cmd, ["httpd", "-f", "-p", "8080", "-h", "/www"]);
  assert.deepEqual(
    web?.files.map((f) => f.target),
    ["/www/index.html"],
  );
  assert.deepEqual(
    web?.depends_on.map((d) => `${d.service}:${d.condition}`),
    ["probe:service_healthy"],
  );
  const probe = manifest.services.find((s) => s.name === "probe");
  assert.deepEqual(
    probe?.mounts.map((m) => `${m.type}:${m.target}`),
    ["tmpfs:/tmp"],
  );
});
