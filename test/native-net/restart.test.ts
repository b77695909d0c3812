import assert from "node:assert/strict";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
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
  sleep,
  writePlan,
} from "./support.js";
import { httpGet } from "./probes.js";

before(() => buildDriver());

for (const who of identities()) {
  describe(`a restarted service, run by ${who.name}`, { skip: who.skip }, () => {
    test("joins the app network again and is reachable through its published port", async () => {
      const dir = scratch();
      const www = join(dir, "www");
      mkdirSync(www);
      writeFileSync(join(www, "who"), "second run");
      chmodSync(www, 0o755);
      const first = join(dir, "first");
      const port = await freePorts(1);
      const script = `if [ ! -e ${first} ]; then touch ${first}; exit 3; fi; exec ${busybox} httpd -f -p 8080 -h ${www}`;
      const plan = writePlan(dir, "bridge", [
        { name: "r", ports: [`tcp 127.0.0.1 ${port} 8080`], argv: shellArgs(script) },
      ]);
      writeFileSync(plan, "restart 1\n", { flag: "a" });

      const run = await runDriver(who, plan);
      try {
        let body = "";
        for (let i = 0; i < 50 && body !== "second run"; i++) {
          body = await httpGet(`http://127.0.0.1:${port}/who`);
          if (body !== "second run") await sleep(100);
        }
        assert.equal(body, "second run");
        assert.match(run.stderr, /service r exited \(status 3\)/);
        assert.doesNotMatch(run.stderr, /error/);
      } finally {
        await run.stop();
      }
    });
  });
}
