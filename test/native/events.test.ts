/**
 * Runtime events and control commands (docs/runtime-events.md) as the dashboard uses them:
 * events on descriptor 3, commands on descriptor 4.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { busyboxLayer, buildApp, makeHome, skipReason, workDir } from "./support/app.js";

interface Event {
  t: string;
  ts: number;
  state?: string;
  [key: string]: unknown;
}

function runWithEvents(
  exe: string,
  args: string[],
  home: string,
  onEvent: (e: Event, control: Writable) => void = () => undefined,
): Promise<{ code: number | null; events: Event[] }> {
  const child = spawn(exe, ["--events", "3", "--events-logs", "--control", "4", ...args], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home },
    stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"],
  });
  const events: Event[] = [];
  const control = child.stdio[4] as Writable;
  control.on("error", () => undefined);
  let buffered = "";
  (child.stdio[3] as Readable).on("data", (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      const e = JSON.parse(line) as Event;
      events.push(e);
      onEvent(e, control);
    }
  });
  return new Promise((resolve) =>
    child.on("close", (code) => {
      control.destroy();
      resolve({ code, events });
    }),
  );
}

describe("runtime events", { skip: skipReason() }, () => {
  let dir = "";
  let exe = "";

  before(async () => {
    dir = workDir("events");
    exe = await buildApp(dir, "evt", [
      {
        name: "main",
        layers: [await busyboxLayer()],
        config: { Cmd: ["/bin/sh", "-c", "exit 3"] },
        over: { stopGracePeriodMs: 2000 },
      },
    ]);
  });

  it("reports the app's lifecycle, extraction progress and the service's exit as JSON lines", async () => {
    const { code, events } = await runWithEvents(exe, [], makeHome(dir));
    assert.equal(code, 3);
    const summary = events.map((e) => `${e.t}:${String(e.state ?? e.step ?? "")}`);
    assert.deepEqual(summary, [
      "app:preparing",
      "progress:extract",
      "app:starting",
      "service:starting",
      "service:running",
      "app:running",
      "service:exited",
      "error:",
      "app:stopping",
      "app:exited",
    ]);
    assert.equal(events.at(-1)?.exit_code, 3);
    assert.equal(events[6]?.service, "main");
    for (const [i, e] of events.entries()) if (i > 0) assert.ok(e.ts >= (events[i - 1]?.ts ?? 0));
  });

  it("stops the app gracefully on a stop command", async () => {
    const script = 'trap "exit 0" TERM; while true; do sleep 0.05; done';
    const { code, events } = await runWithEvents(
      exe,
      ["--", "/bin/sh", "-c", script],
      makeHome(dir),
      (e, control) => {
        if (e.t === "app" && e.state === "running")
          setTimeout(() => control.write('{"cmd":"stop"}\n'), 200);
      },
    );
    assert.equal(code, 0);
    assert.equal(events.find((e) => e.t === "service" && e.state === "stopped")?.exit_code, 0);
  });

  it("reports an error the user must see as an error event", async () => {
    const { code, events } = await runWithEvents(exe, ["--", "/no/such/command"], makeHome(dir));
    assert.equal(code, 127);
    const error = events.find((e) => e.t === "error");
    assert.match(
      String(error?.message),
      /^exec \/no\/such\/command in service main: No such file or directory$/,
    );
    assert.equal(typeof error?.fix, "string");
  });

  it("reports a warning as a warning event, even at a log level that hides it", async () => {
    const gui = await buildApp(dir, "evt-gui", [
      {
        name: "window",
        layers: [await busyboxLayer()],
        config: { Cmd: ["/bin/true"] },
        over: { interfaceMode: "gui" },
      },
    ]);
    const { code, events } = await runWithEvents(gui, ["--log-level", "error"], makeHome(dir));
    assert.equal(code, 0);
    const warnings = events.filter((e) => e.t === "warning").map((e) => String(e.message));
    assert.deepEqual(warnings, [
      "service window opens windows but no display was found: set DISPLAY or WAYLAND_DISPLAY",
    ]);
  });
});
