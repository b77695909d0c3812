import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  buildDriver,
  driver,
  freePorts,
  identities,
  runDriver,
  scratch,
  shellArgs,
  sleep,
  writePlan,
  type Running,
} from "./support.js";

before(() => buildDriver());

/** Sends `bytes` bytes, half-closes, and resolves with everything that comes back. */
function sendThenHalfClose(port: number, bytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const sock = connect({ host: "127.0.0.1", port, allowHalfOpen: true }, () =>
      sock.end(Buffer.alloc(bytes, "x")),
    );
    sock.on("data", (d: Buffer) => (answer += d.toString()));
    sock.on("end", () => resolve(answer));
    sock.on("error", reject);
  });
}

function echo(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: "127.0.0.1", port }, () => sock.write(text));
    sock.once("data", (d: Buffer) => {
      sock.end();
      resolve(d.toString());
    });
    sock.on("error", reject);
  });
}

function openFds(pid: string): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

for (const who of identities()) {
  describe(`the forwarder, run by ${who.name}`, { skip: who.skip }, () => {
    let run: Running | undefined;
    let base = 0;
    let pid = "";

    before(async () => {
      const dir = scratch();
      base = await freePorts(2);
      const script = `${driver} tcp-count 7000 & exec ${driver} tcp-echo 7001`;
      const plan = writePlan(dir, "internal", [
        {
          name: "svc",
          ports: [`tcp 127.0.0.1 ${base}-${base + 1} 7000-7001`],
          argv: shellArgs(script),
        },
      ]);
      run = await runDriver(who, plan);
      assert.match(run.stdout, /^ready$/m, run.stderr);
      pid = /^pid (\d+)$/m.exec(run.stdout)?.[1] ?? "";
      await sleep(200);
    });

    after(async () => {
      await run?.stop();
    });

    test("passes a client's half-close on and carries the answer that follows it", async () => {
      assert.equal(await sendThenHalfClose(base, 1 << 20), String(1 << 20));
    });

    test("closes both sides and their pipes once connections end", async () => {
      await echo(base + 1, "warm-up");
      await sleep(100);
      const before = openFds(pid);
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => echo(base + 1, `m${i}`)),
      );
      assert.deepEqual(
        answers,
        Array.from({ length: 40 }, (_, i) => `m${i}`),
      );
      let now = openFds(pid);
      for (let i = 0; i < 20 && now !== before; i++) {
        await sleep(100);
        now = openFds(pid);
      }
      assert.equal(now, before);
    });
  });
}
