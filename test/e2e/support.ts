/**
 * Helpers for whole-app tests: executables packed by the real packer around the runtime
 * built by `make -C native`, with the recipe's network mode chosen, and a busybox layer with
 * the applets the network tests need (nc, httpd, wget).
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { NetworkMode } from "../../src/appcipe/types.js";
import { buildExecutable, plainRecipe, plainService } from "../../src/pack/index.js";
import {
  imageOf,
  makeLayer,
  runtimeBin,
  skipReason,
  workDir,
  type TestService,
} from "../native/support/app.js";
import { cpSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { repoRoot, runCli } from "../support/cli.js";

const applets = [
  "sh",
  "cat",
  "grep",
  "echo",
  "sleep",
  "true",
  "test",
  "touch",
  "nc",
  "httpd",
  "wget",
  "hostname",
  "seq",
];

/** busybox with the applets above, /tmp, and a /www page for httpd. */
export async function netLayer(): Promise<Buffer> {
  return makeLayer([
    { name: "bin/" },
    { name: "bin/busybox", content: readFileSync("/bin/busybox"), mode: 0o755 },
    ...applets.map((a) => ({ name: `bin/${a}`, type: "symlink" as const, linkname: "busybox" })),
    { name: "etc/" },
    { name: "etc/passwd", content: "root:x:0:0:root:/root:/bin/sh\n" },
    { name: "etc/group", content: "root:x:0:\n" },
    { name: "tmp/", mode: 0o1777 },
    { name: "www/" },
  ]);
}

export interface AppOptions {
  volumes?: string[];
  network?: NetworkMode;
}

/** Packs the services into one executable, in the network mode asked for (bridge when unset). */
export async function buildNetApp(
  dir: string,
  name: string,
  services: TestService[],
  o: AppOptions = {},
): Promise<string> {
  const recipe = plainRecipe(
    name,
    services.map((s) =>
      plainService(s.name, { source: "tar", file: "/dev/null", format: "auto" }, s.over),
    ),
    {
      volumes: Object.fromEntries((o.volumes ?? []).map((v) => [v, { name: v }])),
      network: o.network ?? "bridge",
    },
  );
  const images = new Map(services.map((s) => [s.name, imageOf(s.layers, s.config)]));
  const out = join(dir, name);
  await buildExecutable({ recipe, target: "x86_64-linux", runtime: runtimeBin, out, images });
  return out;
}

/** A running app whose output is collected as it comes. */
export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

export function startApp(exe: string, home: string, args: string[] = []): Running {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, NO_COLOR: "1" };
  const child = spawn(exe, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Resolves once check() holds, polling every 50 ms; rejects after timeoutMs with why(). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  why: () => string,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${why()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Why an example app cannot be built and run here, or undefined when it can: it needs the
 * runtime and the test Docker engine. A missing engine fails the test under CI.
 */
export function dockerAppSkipReason(): string | undefined {
  const runtime = skipReason();
  if (runtime) return runtime;
  if (process.env.CHEFER_TEST_DOCKER_HOST) return undefined;
  if (process.env.CI) throw new Error("CHEFER_TEST_DOCKER_HOST is not set");
  return "CHEFER_TEST_DOCKER_HOST is not set; run `bash scripts/services.sh start`";
}

/** A kit directory holding the runtime just built from native/, so the test runs this source. */
export function kitOf(dir: string): string {
  const kit = join(dir, "kit");
  mkdirSync(kit);
  symlinkSync(runtimeBin, join(kit, "chefer-runtime-x86_64-linux"));
  return kit;
}

export interface BuiltExample {
  dir: string;
  exe: string;
  /** What `chefer from-compose` wrote on stderr: its summary and warnings. */
  converted: string;
}

/**
 * Builds examples/<name> as a user does: the example base image, `chefer from-compose` on a
 * copy of the project, then `chefer build` against the test Docker engine with this runtime.
 */
export async function buildExample(name: string): Promise<BuiltExample> {
  const env = { DOCKER_HOST: process.env.CHEFER_TEST_DOCKER_HOST };
  const base = spawnSync("bash", [join(repoRoot, "examples/make-base-image.sh")], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  assert.equal(base.status, 0, "examples/make-base-image.sh failed");

  const dir = workDir(`e2e-${name}`);
  const project = join(dir, name);
  cpSync(join(repoRoot, "examples", name), project, { recursive: true });
  const converted = await runCli(["from-compose", project]);
  assert.equal(converted.code, 0, converted.stderr);

  const out = join(dir, "out");
  const built = await runCli(["build", project, "--out", out, "--kit-dir", kitOf(dir)], { env });
  assert.equal(built.code, 0, built.stderr);
  return { dir, exe: built.stdout.trim(), converted: converted.stderr };
}
