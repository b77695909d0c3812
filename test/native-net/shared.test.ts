import assert from "node:assert/strict";
import { mkdirSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import {
  buildDriver,
  busybox,
  freePorts,
  identities,
  runDriver,
  scratch,
  shellArgs,
  writePlan,
} from "./support.js";
import { httpGet } from "./probes.js";

before(() => buildDriver());

for (const who of identities()) {
  describe(`shared mode, run by ${who.name}`, { skip: who.skip }, () => {
    test("relays a host port that differs from the service's port on host loopback", async () => {
      const dir = scratch();
      const www = join(dir, "www");
      mkdirSync(www);
      writeFileSync(join(www, "who"), "shared");
      chmodSync(www, 0o755);
      const base = await freePorts(2);
      const plan = writePlan(dir, "shared", [
        {
          name: "s",
          ports: [`tcp 127.0.0.1 ${base} ${base + 1}`, `tcp 127.0.0.1 ${base + 1} ${base + 1}`],
          argv: shellArgs(`exec ${busybox} httpd -f -p 127.0.0.1:${base + 1} -h ${www}`),
        },
      ]);

      const run = await runDriver(who, plan);
      try {
        assert.match(
          run.stdout,
          new RegExp(`^port s tcp 127\\.0\\.0\\.1 ${base} ${base + 1} forwarded$`, "m"),
        );
        assert.match(
          run.stdout,
          new RegExp(`^port s tcp 127\\.0\\.0\\.1 ${base + 1} ${base + 1} direct$`, "m"),
        );
        let body = "";
        for (let i = 0; i < 50 && body !== "shared"; i++) {
          body = await httpGet(`http://127.0.0.1:${base}/who`);
          if (body !== "shared") await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(body, "shared");
      } finally {
        await run.stop();
      }
    });
  });
}
