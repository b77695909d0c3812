/**
 * GUI services through a real executable: the example (examples/gui: its recipe, and the image
 * its script makes from this machine's xmessage and wayland-info) packed by the real packer
 * in variants, run against a real Xvfb that demands a cookie and a real headless weston. A
 * window opened in the service must show up on the host's display, as root and as the
 * unprivileged test user.
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadRecipe } from "../../src/appcipe/load.js";
import type { InterfaceMode, NetworkMode, Recipe, Service } from "../../src/appcipe/types.js";
import { buildExecutable } from "../../src/pack/index.js";
import { repoRoot } from "../support/cli.js";
import {
  ensureTestUser,
  makeHome,
  runApp,
  runtimeBin,
  skipReason,
  testUser,
  workDir,
} from "../native/support/app.js";
import { waitFor } from "./support.js";

const tools = ["Xvfb", "xauth", "xwininfo", "weston", "wayland-info", "xmessage", "setpriv"];

function whyNot(): string | undefined {
  const missing = tools.filter((t) => spawnSync("sh", ["-c", `command -v ${t}`]).status !== 0);
  if (missing.length > 0)
    return `${missing.join(", ")} missing; install xvfb, xauth, x11-utils, x11-apps, weston, wayland-utils`;
  return skipReason() ?? (process.getuid?.() === 0 ? ensureTestUser() : "needs root");
}

const why = whyNot();
if (why && process.env.CI) throw new Error(why);

const ids = (): { uid: number; gid: number } => {
  const id = (flag: string) => Number(spawnSync("id", [flag, testUser]).stdout.toString().trim());
  return { uid: id("-u"), gid: id("-g") };
};

/** The processes the tests started, stopped in after(), with what each wrote to stderr. */
const started = new Map<ChildProcess, string>();

function background(cmd: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(cmd, args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } });
  started.set(child, "");
  child.stderr?.on("data", (d: Buffer) => started.set(child, errText(child) + d.toString()));
  return child;
}

const errText = (c: ChildProcess): string => started.get(c) ?? "";
const asUser = (cmd: string, args: string[]): [string, string[]] => [
  "setpriv",
  ["--reuid", testUser, "--regid", testUser, "--init-groups", "--", cmd, ...args],
];

function addCookie(file: string, display: string, cookie: string): void {
  const add = spawnSync("xauth", ["-f", file, "add", display, ".", cookie]);
  assert.equal(add.status, 0, String(add.stderr));
}

/** Xvfb on a display it picks itself, accepting only clients with the cookie in `cookies`. */
async function startXvfb(dir: string): Promise<{ display: string; cookies: string }> {
  const cookie = randomBytes(16).toString("hex");
  const serverAuth = join(dir, "server-xauthority");
  // The server takes every cookie in its file, whatever display number the entry names.
  addCookie(serverAuth, ":0", cookie);
  const x = background("Xvfb", ["-displayfd", "1", "-nolisten", "tcp", "-auth", serverAuth], {});
  let number = "";
  // -displayfd: the number is written once the server accepts connections.
  x.stdout?.on("data", (d: Buffer) => (number += d.toString()));
  await waitFor(
    () => /^\d+\n/.test(number),
    10000,
    () => errText(x),
  );
  const cookies = join(dir, "Xauthority");
  addCookie(cookies, `:${number.trim()}`, cookie);
  return { display: `:${number.trim()}`, cookies };
}

/** Headless weston as the test user, with a private runtime directory. */
async function startWeston(dir: string): Promise<{ xdg: string; name: string }> {
  const xdg = join(dir, "xdg");
  const name = `chefer-gui-${process.pid}`;
  mkdirSync(xdg, { mode: 0o700 });
  chownSync(xdg, ids().uid, ids().gid);
  const [cmd, args] = asUser("weston", ["--backend=headless-backend.so", `--socket=${name}`]);
  const w = background(cmd, args, { XDG_RUNTIME_DIR: xdg, HOME: xdg });
  await waitFor(
    () => existsSync(join(xdg, name)),
    10000,
    () => errText(w),
  );
  return { xdg, name };
}

/** The example's recipe (examples/gui) in dir, beside the image its script makes. */
function loadExample(dir: string): Recipe {
  copyFileSync(join(repoRoot, "examples/gui/appcipe.yml"), join(dir, "appcipe.yml"));
  const script = join(repoRoot, "examples/gui/make-image.sh");
  const made = spawnSync("bash", [script, join(dir, "images/gui.tar")]);
  assert.equal(made.status, 0, String(made.stderr));
  return loadRecipe(join(dir, "appcipe.yml")).recipe;
}

interface Variant {
  mode?: InterfaceMode;
  network: NetworkMode;
  user?: string;
}

/** The example packed as dir/name, its window titled `<name>-window`, changed as asked. */
async function buildGui(dir: string, example: Recipe, name: string, v: Variant): Promise<string> {
  const [window] = example.services;
  assert.ok(window, "examples/gui/appcipe.yml has no service");
  const service: Service = {
    ...window,
    cmd: { argv: ["xmessage", "-title", `${name}-window`, "hello"] },
    interfaceMode: v.mode ?? window.interfaceMode,
    ...(v.user === undefined ? {} : { user: v.user }),
  };
  const recipe = { ...example, name, network: v.network, services: [service] };
  const out = join(dir, name);
  await buildExecutable({ recipe, target: "x86_64-linux", runtime: runtimeBin, out });
  return out;
}

/** Starts the app in the background; resolves with a stop() that ends it and waits. */
function launch(exe: string, home: string, env: Record<string, string>, user: boolean) {
  const [cmd, args] = user ? asUser(exe, []) : [exe, []];
  const app = background(cmd, args, { HOME: home, NO_COLOR: "1", ...env });
  const exited = new Promise<void>((resolve) => app.on("close", () => resolve()));
  return { app, stop: async () => (app.kill("SIGTERM"), await exited) };
}

function windows(display: string, cookies: string): string {
  const r = spawnSync("xwininfo", ["-root", "-tree", "-display", display], {
    env: { XAUTHORITY: cookies },
  });
  return r.stdout.toString();
}

/** The cookie file, readable by the test user only (the runtime reads it as that user). */
function userCookies(cookies: string, home: string): string {
  const copy = join(home, ".Xauthority");
  copyFileSync(cookies, copy);
  chmodSync(copy, 0o600);
  chownSync(copy, ids().uid, ids().gid);
  return copy;
}

describe("GUI services", { skip: why }, () => {
  let dir = "";
  let example: Recipe;
  let x = { display: "", cookies: "" };
  let bridge = "";
  let shared = "";
  let wayland = { xdg: "", name: "" };
  const waylandEnv = () => ({ XDG_RUNTIME_DIR: wayland.xdg, WAYLAND_DISPLAY: wayland.name });

  before(async () => {
    dir = workDir("gui");
    example = loadExample(dir);
    x = await startXvfb(dir);
    wayland = await startWeston(dir);
    bridge = await buildGui(dir, example, "gui-bridge", { network: "bridge" });
    shared = await buildGui(dir, example, "gui-shared", { network: "shared", user: "guest" });
  });

  // SIGTERM first: Xvfb removes its socket and lock file only when it exits on its own.
  after(async () => {
    const running = [...started.keys()].filter((c) => c.exitCode === null && !c.signalCode);
    const ended = running.map((c) => new Promise((resolve) => c.on("close", resolve)));
    for (const c of running) c.kill("SIGTERM");
    const late = setTimeout(() => running.forEach((c) => c.kill("SIGKILL")), 5000);
    await Promise.all(ended);
    clearTimeout(late);
  });

  it("opens a window on the host's X display as root, in bridge mode, with the cookie", async () => {
    const home = makeHome(dir);
    const run = launch(bridge, home, { DISPLAY: x.display, XAUTHORITY: x.cookies }, false);
    try {
      await waitFor(
        () => windows(x.display, x.cookies).includes('"gui-bridge-window"'),
        20000,
        () => errText(run.app),
      );
    } finally {
      await run.stop();
    }
  });

  it("opens a window as an unprivileged user, in shared mode, with a non-root service user", async () => {
    const home = makeHome(dir, true);
    userCookies(x.cookies, home);
    const run = launch(shared, home, { DISPLAY: x.display }, true);
    try {
      await waitFor(
        () => windows(x.display, x.cookies).includes('"gui-shared-window"'),
        20000,
        () => errText(run.app),
      );
    } finally {
      await run.stop();
    }
  });

  it("hands the service user its runtime directory and cookie, and the sockets read-only", async () => {
    const home = makeHome(dir);
    const script = [
      "id -u",
      "echo $DISPLAY $XAUTHORITY $XDG_RUNTIME_DIR",
      "ls -lnd /run/chefer-xdg",
      "ls -ln /run/chefer-xdg",
      "touch /tmp/.X11-unix/planted 2>&1",
    ].join("; ");
    const env = { DISPLAY: x.display, XAUTHORITY: x.cookies };
    const r = await runApp(shared, ["--", "sh", "-c", script], { home, env });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split("\n");
    assert.equal(lines[0], "1000");
    assert.equal(lines[1], `${x.display} /run/chefer-xdg/Xauthority /run/chefer-xdg`);
    assert.match(lines[2] ?? "", /^drwx------ +\d+ 1000 +1000 /);
    assert.match(r.stdout, /-rw------- +1 1000 +1000 .* Xauthority/);
    assert.match(r.stdout, /Read-only file system/);
  });

  it("leaves display variables the service's environment sets alone", async () => {
    const home = makeHome(dir);
    const script = "echo [$DISPLAY] [$XDG_RUNTIME_DIR] [$WAYLAND_DISPLAY] [$XAUTHORITY]";
    const env = { DISPLAY: x.display, XAUTHORITY: x.cookies };
    const args = ["--env", "DISPLAY=chosen:3", "--env", "XDG_RUNTIME_DIR=/tmp/xdg"];
    const r = await runApp(bridge, [...args, "--", "sh", "-c", script], { home, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), "[chosen:3] [/tmp/xdg] [] [/run/chefer-xdg/Xauthority]");
  });

  it("starts without a cookie and warns when the X authority file is damaged", async () => {
    const home = makeHome(dir);
    const damaged = join(dir, "damaged-xauthority");
    writeFileSync(damaged, Buffer.from([1, 0, 0xff, 0xff]));
    const env = { DISPLAY: x.display, XAUTHORITY: damaged };
    const r = await runApp(bridge, ["--", "sh", "-c", "echo started"], { home, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /started/);
    assert.match(r.stderr, /malformed entry at byte 0; GUI services connect without a cookie/);
  });

  it("passes the Wayland socket so wayland-info lists the compositor's globals", async () => {
    const home = makeHome(dir, true);
    const env = waylandEnv();
    const r = await runApp(bridge, ["--", "wayland-info"], { home, env, asUser: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wl_compositor/);
  });

  it("names the Wayland socket by its path beside a runtime directory the service sets", async () => {
    const home = makeHome(dir, true);
    const args = ["--env", "XDG_RUNTIME_DIR=/tmp", "--", "sh", "-c", "wayland-info && env"];
    const r = await runApp(bridge, args, { home, env: waylandEnv(), asUser: true });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wl_compositor/);
    assert.match(r.stdout, new RegExp(`^WAYLAND_DISPLAY=/run/chefer-xdg/${wayland.name}$`, "m"));
  });

  it("warns that a service running as another user cannot use the Wayland socket", async () => {
    const home = makeHome(dir, true);
    const r = await runApp(shared, ["--", "wayland-info"], {
      home,
      env: waylandEnv(),
      asUser: true,
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /its user "guest" may not connect to the Wayland socket/);
  });

  it("warns that an app started as root cannot use another user's Wayland socket", async () => {
    const home = makeHome(dir);
    const env = waylandEnv();
    const r = await runApp(bridge, ["--", "sh", "-c", "echo [$WAYLAND_DISPLAY]"], { home, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /only the owner of the Wayland socket .* may connect/);
    assert.match(r.stdout, /^\[\]$/m);
  });

  it("passes a display over TCP as it is, warning in bridge mode, with no socket directory", async () => {
    const home = makeHome(dir);
    const script = "echo [$DISPLAY]; ls /tmp/.X11-unix 2>&1";
    const env = { DISPLAY: "display-host.invalid:7.0" };
    const r = await runApp(bridge, ["--", "sh", "-c", script], { home, env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^\[display-host.invalid:7.0\]$/m);
    assert.match(r.stdout, /No such file or directory/);
    assert.match(r.stderr, /names a host over TCP, which GUI services may not reach/);
  });

  it("takes unix:N for the local display", async () => {
    const home = makeHome(dir);
    const n = x.display.slice(1);
    const script = `echo [$DISPLAY]; ls /tmp/.X11-unix`;
    const env = { DISPLAY: `unix:${n}`, XAUTHORITY: x.cookies };
    const r = await runApp(bridge, ["--", "sh", "-c", script], { home, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^\\[unix:${n}\\]$`, "m"));
    assert.match(r.stdout, new RegExp(`^X${n}$`, "m"));
  });

  it("starts a GUI service without a display and warns once", async () => {
    const home = makeHome(dir);
    const r = await runApp(bridge, ["--", "sh", "-c", "echo started; ls /tmp/.X11-unix"], { home });
    assert.match(r.stdout, /started/);
    const warnings = r.stderr.match(/no display was found: set DISPLAY or WAYLAND_DISPLAY/g);
    assert.equal(warnings?.length, 1, r.stderr);
  });

  for (const mode of ["none", "terminal"] as const) {
    it(`gives a service with interface_mode ${mode} nothing of the host's display`, async () => {
      const exe = await buildGui(dir, example, `gui-${mode}`, { mode, network: "bridge" });
      const home = makeHome(dir);
      const script =
        "ls -A /tmp/.X11-unix /run 2>&1; echo display=[$DISPLAY] xdg=[$XDG_RUNTIME_DIR]";
      const env = { DISPLAY: x.display, XAUTHORITY: x.cookies, ...waylandEnv() };
      const r = await runApp(exe, ["--", "sh", "-c", script], { home, env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /\/tmp\/.X11-unix: No such file or directory/);
      assert.match(r.stdout, /\/run: No such file or directory/);
      assert.match(r.stdout, /display=\[\] xdg=\[\]/);
    });
  }
});
