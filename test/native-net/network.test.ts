import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { existsSync, mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  buildDriver,
  busybox,
  driver,
  freePorts,
  identities,
  retry,
  runDriver,
  scratch,
  shellArgs,
  sleep,
  waitForFile,
  writePlan,
  type Running,
} from "./support.js";
import { httpGet, readThenDrop, senderPort, tcpTry, udpAsk, udpExchange } from "./probes.js";
import { createSocket } from "node:dgram";

before(() => buildDriver());

function webRoot(dir: string, who: string): string {
  const root = join(dir, `www-${who}`);
  mkdirSync(root);
  writeFileSync(join(root, "who"), who);
  writeFileSync(join(root, "big"), Buffer.alloc(16 * 1024 * 1024, who));
  chmodSync(root, 0o755);
  return root;
}

/** Service `a` serves HTTP on 8080 and an undeclared port, echoes UDP on 9000-9001, and
 * fetches b by name and alias; `b` serves HTTP on 8080-8081 and fetches a the same way. */
function twoServices(
  dir: string,
  ports: { tcp: number; range: number; udp: number; hidden: number },
) {
  const wa = webRoot(dir, "a");
  const wb = webRoot(dir, "b");
  const fetch = (name: string, file: string) =>
    retry(`${busybox} wget -qO ${join(dir, file)} http://${name}:8080/who`);
  const a = [
    `${driver} udp-echo 9000 & ${driver} udp-echo 9001 &`,
    `${busybox} httpd -p 8080 -h ${wa}; ${busybox} httpd -p ${ports.hidden} -h ${wa};`,
    `${fetch("b", "a-b")}; ${fetch("beta", "a-beta")}; exec sleep 1000`,
  ].join(" ");
  const b = [
    `${busybox} httpd -p 8080 -h ${wb}; ${busybox} httpd -p 8081 -h ${wb};`,
    `${fetch("a", "b-a")}; ${fetch("alpha", "b-alpha")}; ${fetch("ahost", "b-ahost")};`,
    "exec sleep 1000",
  ].join(" ");
  return writePlan(dir, "internal", [
    {
      name: "a",
      hostname: "ahost",
      aliases: ["alpha"],
      ports: [
        `tcp 127.0.0.1 ${ports.tcp} 8080`,
        `udp 127.0.0.1 ${ports.udp}-${ports.udp + 1} 9000-9001`,
      ],
      argv: shellArgs(a),
    },
    {
      name: "b",
      aliases: ["beta"],
      ports: [`tcp 127.0.0.1 ${ports.range}-${ports.range + 1} 8080-8081`],
      argv: shellArgs(b),
    },
  ]);
}

for (const who of identities()) {
  describe(`the app network, run by ${who.name}`, { skip: who.skip }, () => {
    let dir = "";
    let run: Running | undefined;
    let ports = { tcp: 0, range: 0, udp: 0, hidden: 0 };

    before(async () => {
      dir = scratch();
      const base = await freePorts(6);
      ports = { tcp: base, range: base + 1, udp: base + 3, hidden: base + 5 };
      run = await runDriver(who, twoServices(dir, ports));
      assert.match(run.stdout, /^ready$/m, `net-driver did not start:\n${run.stderr}`);
    });

    after(async () => {
      await run?.stop();
    });

    test("gives two services listening on the same port different addresses", () => {
      assert.match(run?.stdout ?? "", /^address a 10\.89\.0\.2$/m);
      assert.match(run?.stdout ?? "", /^address b 10\.89\.0\.3$/m);
    });

    test("resolves each service by name, alias and hostname inside the app", async () => {
      assert.equal(await waitForFile(join(dir, "a-b")), "b");
      assert.equal(await waitForFile(join(dir, "a-beta")), "b");
      assert.equal(await waitForFile(join(dir, "b-a")), "a");
      assert.equal(await waitForFile(join(dir, "b-alpha")), "a");
      assert.equal(await waitForFile(join(dir, "b-ahost")), "a");
    });

    test("forwards a published TCP port whose host port differs from the service port", async () => {
      assert.equal(await httpGet(`http://127.0.0.1:${ports.tcp}/who`), "a");
    });

    test("forwards every port of a published TCP range to the matching service port", async () => {
      assert.equal(await httpGet(`http://127.0.0.1:${ports.range}/who`), "b");
      assert.equal(await httpGet(`http://127.0.0.1:${ports.range + 1}/who`), "b");
    });

    test("forwards a published UDP range, answering each client", async () => {
      assert.match(await udpAsk(ports.udp, "one"), /^ahost \d+ one$/);
      assert.match(await udpAsk(ports.udp + 1, "two"), /^ahost \d+ two$/);
    });

    test("gives each UDP client its own session and ends it after the idle timeout", async () => {
      const first = createSocket("udp4");
      const second = createSocket("udp4");
      try {
        const a1 = await udpExchange(first, ports.udp, "x");
        const a2 = await udpExchange(first, ports.udp, "y");
        const b1 = await udpExchange(second, ports.udp, "z");
        assert.equal(senderPort(a1), senderPort(a2));
        assert.notEqual(senderPort(a1), senderPort(b1));
        await sleep(3500); // the plan's udp_idle_ms is 2000; sessions are swept every second
        const a3 = await udpExchange(first, ports.udp, "again");
        assert.match(a3, /^ahost \d+ again$/);
        assert.notEqual(senderPort(a3), senderPort(a1));
      } finally {
        first.close();
        second.close();
      }
    });

    test("keeps relaying after clients drop connections in the middle of a transfer", async () => {
      for (let i = 0; i < 3; i++) assert.ok((await readThenDrop(ports.tcp, "/big")) > 0);
      assert.equal(await httpGet(`http://127.0.0.1:${ports.tcp}/who`), "a");
      assert.equal(run?.code, null);
    });

    test("leaves an undeclared port unreachable from the host", async () => {
      assert.equal(await httpGet(`http://127.0.0.1:${ports.tcp}/who`), "a");
      assert.equal(await tcpTry("127.0.0.1", ports.hidden), "ECONNREFUSED");
      // The app network is not routed from the host; on a machine whose network accepts any
      // connection the answer can still never be the service's.
      assert.notEqual(await httpGet(`http://10.89.0.2:${ports.hidden}/who`, 1500), "a");
    });
  });

  describe(`a busy host port, run by ${who.name}`, { skip: who.skip }, () => {
    let blocker: Server | undefined;

    after(() => blocker?.close());

    test("fails before any service starts, naming the port and the service", async () => {
      const dir = scratch();
      const port = await freePorts(1);
      blocker = createServer();
      await new Promise<void>((resolve) => blocker?.listen(port, "127.0.0.1", resolve));
      const marker = join(dir, "started");
      const plan = writePlan(dir, "internal", [
        { name: "web", ports: [`tcp 127.0.0.1 ${port} 80`], argv: shellArgs(`touch ${marker}`) },
      ]);

      const run = await runDriver(who, plan);
      await run.stop();

      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        new RegExp(`host port 127\\.0\\.0\\.1:${port}/tcp of service web is already in use`),
      );
      assert.equal(existsSync(marker), false);
    });
  });
}
