/**
 * Several services in one app, in this part of the runtime: started in depends_on order
 * (without health gating), the terminal service decides the exit code, and the others are
 * stopped when it ends.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  busyboxLayer,
  buildApp,
  makeHome,
  runApp,
  skipReason,
  volumeMount,
  workDir,
} from "./support/app.js";

describe("an app with several services", { skip: skipReason() }, () => {
  it("starts services in dependency order, exits with the terminal service's code and stops the rest", async () => {
    const dir = workDir("services");
    const layer = await busyboxLayer();
    const shared = volumeMount("shared", "/shared");
    const exe = await buildApp(
      dir,
      "multi",
      [
        {
          name: "web",
          layers: [layer],
          config: { Cmd: ["/bin/sh", "-c", "sleep 0.3; cat /shared/order; exit 4"] },
          over: {
            interfaceMode: "terminal",
            mounts: [shared],
            dependsOn: [{ service: "db", condition: "service_started", required: true }],
          },
        },
        {
          name: "db",
          layers: [layer],
          config: { Cmd: ["/bin/sh", "-c", "echo db-first > /shared/order; exec sleep 4343"] },
          over: { mounts: [shared], stopGracePeriodMs: 200 },
        },
      ],
      ["shared"],
    );
    const r = await runApp(exe, [], { home: makeHome(dir) });
    assert.equal(r.stdout, "db-first\n", r.stderr);
    assert.equal(r.code, 4);
    assert.equal(spawnSync("pgrep", ["-f", "^sleep 4343$"]).status, 1, "db was stopped");
  });
});
