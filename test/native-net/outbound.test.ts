import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  buildDriver,
  busybox,
  identities,
  runDriver,
  scratch,
  shellArgs,
  waitForFile,
  writePlan,
} from "./support.js";

/** The host's default gateway: pasta gives each service the host's routes, and by default
 * relays connections to the gateway address to the host itself, so a server on the host is
 * an outside destination that needs no internet. */
function defaultGateway(): string | undefined {
  for (const line of readFileSync("/proc/net/route", "utf8").split("\n").slice(1)) {
    const [, dest, gw] = line.split(/\s+/);
    if (dest === "00000000" && gw) {
      const n = Number.parseInt(gw, 16);
      return [n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24].join(".");
    }
  }
  return undefined;
}

function fetchPlan(dir: string, mode: string, gateway: string, port: number): string {
  const out = join(dir, "out");
  const script = `${busybox} wget -qO ${out} http://outside:${port}/ || echo failed > ${out}; exec sleep 1000`;
  return writePlan(dir, mode, [
    { name: "client", extraHosts: [["outside", gateway]], argv: shellArgs(script) },
  ]);
}

/** Whether the host's own resolver answers (with NXDOMAIN for a name that cannot exist). */
function hostResolverAnswers(): boolean {
  const r = spawnSync(busybox, ["nslookup", "chefer-test.invalid"], {
    encoding: "utf8",
    timeout: 5000,
  });
  return /NXDOMAIN/.test(r.stdout + r.stderr);
}

const gateway = defaultGateway();

for (const who of identities()) {
  describe(`outbound traffic, run by ${who.name}`, { skip: who.skip }, () => {
    let server: Server | undefined;
    let port = 0;

    before(async () => {
      buildDriver();
      server = createServer((_req, res) => res.end("from the host"));
      await new Promise<void>((resolve) => server?.listen(0, "0.0.0.0", resolve));
      const addr = server.address();
      port = typeof addr === "object" && addr ? addr.port : 0;
    });

    after(() => server?.close());

    test("reaches a server outside the app in bridge mode when pasta works", async (t) => {
      if (!gateway) return t.skip("this machine has no default route");
      const dir = scratch();
      const run = await runDriver(who, fetchPlan(dir, "bridge", gateway, port));
      try {
        const off = /^outbound off: (.*)$/m.exec(run.stdout);
        if (off) return t.skip(`pasta cannot run here: ${off[1]}`);
        assert.match(run.stdout, /^outbound on$/m, run.stderr);
        assert.equal(await waitForFile(join(dir, "out")), "from the host");
      } finally {
        await run.stop();
      }
    });

    test("resolves outside names through pasta's DNS forwarder in bridge mode", async (t) => {
      if (!hostResolverAnswers()) return t.skip("the host's resolver does not answer");
      const dir = scratch();
      const out = join(dir, "out");
      const script = `${busybox} nslookup chefer-test.invalid > ${out} 2>&1; exec sleep 1000`;
      const plan = writePlan(dir, "bridge", [{ name: "client", argv: shellArgs(script) }]);
      const run = await runDriver(who, plan);
      try {
        const off = /^outbound off: (.*)$/m.exec(run.stdout);
        if (off) return t.skip(`pasta cannot run here: ${off[1]}`);
        const answer = (await waitForFile(out, 8000)) ?? "";
        assert.match(answer, /^Server:\s+169\.254\.1\.1$/m);
        assert.match(answer, /NXDOMAIN/);
      } finally {
        await run.stop();
      }
    });

    test("has no way out in internal mode", async (t) => {
      if (!gateway) return t.skip("this machine has no default route");
      const dir = scratch();
      const run = await runDriver(who, fetchPlan(dir, "internal", gateway, port));
      try {
        assert.doesNotMatch(run.stdout, /^outbound/m);
        assert.equal(await waitForFile(join(dir, "out")), "failed\n");
      } finally {
        await run.stop();
      }
    });
  });
}
