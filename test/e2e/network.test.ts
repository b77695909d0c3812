/**
 * The app network through a real executable: every service has its own network namespace
 * and address, so two can listen on the same port and reach each other by name; published
 * ports reach a service from the host, undeclared ones do not; a busy host port fails
 * before any service starts; `network: shared` keeps the host's network; a request whose
 * client gave up while the service was not up is never delivered.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, connect, type Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Healthcheck, PortMapping } from "../../src/appcipe/types.js";
import {
  ensureTestUser,
  makeHome,
  runApp,
  skipReason,
  volumeMount,
  workDir,
} from "../native/support/app.js";
import { buildNetApp, netLayer, startApp, waitFor } from "./support.js";

const sh = (script: string) => ({ Cmd: ["/bin/sh", "-c", script] });
const base = 20000 + (process.pid % 5000) * 2;

function serve(text: string, port = 8080): string {
  return `echo ${text} > /www/index.html; exec httpd -f -p ${port} -h /www`;
}

function answers(port: number): Healthcheck {
  return {
    test: { shell: `wget -qO- http://localhost:${port}/` },
    intervalMs: 100,
    timeoutMs: 2000,
    retries: 3,
    startPeriodMs: 5000,
    startIntervalMs: 100,
  };
}

function published(hostPort: number, containerPort: number): PortMapping {
  return {
    hostIp: "127.0.0.1",
    hostStart: hostPort,
    hostEnd: hostPort,
    containerStart: containerPort,
    containerEnd: containerPort,
    protocol: "tcp",
  };
}

async function get(port: number): Promise<string | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) });
    return await r.text();
  } catch {
    return undefined;
  }
}

/** A connection to the port once it takes one (the forwarder runs), with errors ignored. */
async function waitForConnection(port: number, why: () => string): Promise<Socket> {
  for (const end = Date.now() + 20000; Date.now() < end;) {
    const socket = await new Promise<Socket | undefined>((resolve) => {
      const s = connect(port, "127.0.0.1", () => resolve(s));
      s.once("error", () => resolve(undefined));
    });
    if (socket) return socket.on("error", () => undefined);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`port ${port} never took a connection: ${why()}`);
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.on("connect", () => (s.destroy(), resolve(false)));
    s.on("error", () => resolve(true));
  });
}

async function namesApp(dir: string): Promise<string> {
  const layer = await netLayer();
  const server = (name: string) => ({
    name,
    layers: [layer],
    config: sh(serve(`from-${name}`)),
    over: { healthcheck: answers(8080), stopGracePeriodMs: 300 },
  });
  return buildNetApp(dir, "names", [
    server("alpha"),
    server("beta"),
    {
      name: "client",
      layers: [layer],
      config: sh("wget -qO- http://alpha:8080/ && wget -qO- http://beta:8080/ && hostname"),
      over: {
        interfaceMode: "terminal",
        dependsOn: ["alpha", "beta"].map((service) => ({
          service,
          condition: "service_healthy" as const,
          required: true,
        })),
      },
    },
  ]);
}

describe("the app network", { skip: skipReason() }, () => {
  for (const asUser of [false, true]) {
    const who = asUser ? "as an unprivileged user" : "as the calling user";
    it(`lets two services listen on one port and reach each other by name, ${who}`, async (t) => {
      const why = asUser ? ensureTestUser() : undefined;
      if (why) return t.skip(why);
      const dir = workDir("e2e-net");
      const exe = await namesApp(dir);
      const r = await runApp(exe, [], { home: makeHome(dir, asUser), asUser, timeoutMs: 60000 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, "from-alpha\nfrom-beta\nclient\n");
    });
  }

  it("resolves service names but no outside names with network: internal", async () => {
    const dir = workDir("e2e-net");
    const layer = await netLayer();
    const exe = await buildNetApp(
      dir,
      "internal",
      [
        {
          name: "alpha",
          layers: [layer],
          config: sh(serve("from-alpha")),
          over: { healthcheck: answers(8080), stopGracePeriodMs: 300 },
        },
        {
          name: "client",
          layers: [layer],
          config: sh("wget -qO- http://alpha:8080/; grep -c nameserver /etc/resolv.conf || true"),
          over: {
            interfaceMode: "terminal",
            dependsOn: [{ service: "alpha", condition: "service_healthy", required: true }],
          },
        },
      ],
      { network: "internal" },
    );
    const r = await runApp(exe, [], { home: makeHome(dir) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "from-alpha\n0\n");
  });

  it("reaches a published port from the host and not an undeclared one", async () => {
    const dir = workDir("e2e-net");
    const layer = await netLayer();
    const script = `${serve("published")} & httpd -f -p 8081 -h /www & wait`;
    const exe = await buildNetApp(dir, "ports", [
      {
        name: "web",
        layers: [layer],
        config: sh(script),
        over: { ports: [published(base, 8080)], stopGracePeriodMs: 300 },
      },
      { name: "idle", layers: [layer], config: sh("exec sleep 4747") },
    ]);
    // Something of the machine's own on 8081 would make the check below meaningless.
    const free8081 = await refused(8081);
    const events = join(dir, "events.jsonl");
    const app = startApp(exe, makeHome(dir), ["--events", events]);
    try {
      await waitFor(async () => (await get(base)) !== undefined, 20000, app.stderr);
      assert.equal(await get(base), "published\n");
      const port = readFileSync(events, "utf8")
        .split("\n")
        .filter((l) => l.startsWith('{"t":"port"'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(
        port.map((e) => [e.service, e.host_ip, e.host_port, e.container_port, e.protocol]),
        [["web", "127.0.0.1", base, 8080, "tcp"]],
      );
      if (free8081) assert.equal(await refused(8081), true, "port 8081 is not published");
    } finally {
      app.child.kill("SIGTERM");
    }
    assert.equal(await app.exited, 143, app.stderr());
    assert.equal(await refused(base), true, "the forwarder stopped with the app");
  });

  it("refuses a busy host port before any service starts", async () => {
    const dir = workDir("e2e-net");
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(base + 1, "127.0.0.1", resolve));
    try {
      const exe = await buildNetApp(dir, "busy", [
        {
          name: "web",
          layers: [await netLayer()],
          config: sh("echo started"),
          over: { ports: [published(base + 1, 8080)] },
        },
      ]);
      const r = await runApp(exe, [], { home: makeHome(dir) });
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(`127.0.0.1:${base + 1}/tcp of service web is already in use`),
      );
      assert.equal(r.stdout, "");
    } finally {
      blocker.close();
    }
  });

  it("runs health checks and resolves names with network: shared", async () => {
    const dir = workDir("e2e-net");
    const port = base + 3;
    const layer = await netLayer();
    const exe = await buildNetApp(
      dir,
      "sharedhealth",
      [
        {
          name: "web",
          layers: [layer],
          config: sh(serve("shared-named", port)),
          over: { healthcheck: answers(port), stopGracePeriodMs: 300 },
        },
        {
          name: "client",
          layers: [layer],
          config: sh(`wget -qO- http://web:${port}/`),
          over: {
            interfaceMode: "terminal",
            dependsOn: [{ service: "web", condition: "service_healthy", required: true }],
          },
        },
      ],
      { network: "shared" },
    );
    const r = await runApp(exe, [], { home: makeHome(dir) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "shared-named\n");
  });

  it("keeps the host's network with network: shared", async () => {
    const dir = workDir("e2e-net");
    const port = base + 2;
    const exe = await buildNetApp(
      dir,
      "shared",
      [
        {
          name: "web",
          layers: [await netLayer()],
          config: sh(serve("shared", port)),
          over: { stopGracePeriodMs: 300 },
        },
      ],
      { network: "shared" },
    );
    const app = startApp(exe, makeHome(dir));
    try {
      await waitFor(async () => (await get(port)) !== undefined, 20000, app.stderr);
      assert.equal(await get(port), "shared\n");
    } finally {
      app.child.kill("SIGTERM");
    }
    await app.exited;
  });
});

describe("a service restarted by a control command", { skip: skipReason() }, () => {
  it("rejoins the app network at its address, so its published port answers again", async () => {
    const dir = workDir("e2e-net");
    const port = base + 4;
    const exe = await buildNetApp(dir, "restart", [
      {
        name: "alpha",
        layers: [await netLayer()],
        config: sh(serve("again")),
        over: { ports: [published(port, 8080)], stopGracePeriodMs: 300 },
      },
      { name: "idle", layers: [await netLayer()], config: sh("exec sleep 4949") },
    ]);
    const child = spawn(exe, ["--events", "3", "--control", "4"], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: makeHome(dir), NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"],
    });
    let events = "";
    let stderr = "";
    (child.stdio[3] as Readable).on("data", (d: Buffer) => (events += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const why = () => `${stderr}\n${events}`;
    const exited = new Promise((resolve) => child.on("close", resolve));
    const control = child.stdio[4] as Writable;
    try {
      await waitFor(async () => (await get(port)) !== undefined, 20000, why);
      control.write('{"cmd":"restart","service":"alpha"}\n');
      await waitFor(
        () => /"service":"alpha","state":"running".*"restarts":1/.test(events),
        20000,
        why,
      );
      // Within seconds: a stale neighbour entry for the old run would hold out for 15-45 s.
      await waitFor(async () => (await get(port)) === "again\n", 5000, why);
    } finally {
      child.kill("SIGTERM");
    }
    assert.equal(await exited, 143);
  });
});

describe("a published port whose service is not up yet", { skip: skipReason() }, () => {
  it("does not deliver a request whose client gave up waiting", async () => {
    const dir = workDir("e2e-net");
    const port = base + 6;
    const layer = await netLayer();
    const exe = await buildNetApp(
      dir,
      "late",
      [
        {
          name: "db",
          layers: [layer],
          config: sh("sleep 1.5; touch /shared/ready; exec sleep 5151"),
          over: {
            mounts: [volumeMount("shared", "/shared")],
            healthcheck: {
              test: { shell: "test -f /shared/ready" },
              intervalMs: 100,
              timeoutMs: 2000,
              retries: 3,
              startPeriodMs: 5000,
              startIntervalMs: 100,
            },
            stopGracePeriodMs: 300,
          },
        },
        {
          name: "web",
          layers: [layer],
          config: sh('nc -l -p 8080 > /tmp/got & sleep 4; echo "got:[$(cat /tmp/got)]"'),
          over: {
            ports: [published(port, 8080)],
            interfaceMode: "terminal",
            dependsOn: [{ service: "db", condition: "service_healthy", required: true }],
          },
        },
      ],
      { volumes: ["shared"] },
    );
    const app = startApp(exe, makeHome(dir));
    // Connect as soon as the port takes connections, while web still waits for db; send a
    // request, wait a while for an answer, then give up.
    const client = await waitForConnection(port, app.stderr);
    client.write("request-nobody-waits-for\n");
    await new Promise((r) => setTimeout(r, 600));
    client.destroy();
    assert.equal(await app.exited, 0, app.stderr());
    assert.match(app.stdout(), /^got:\[\]$/m);
  });
});
