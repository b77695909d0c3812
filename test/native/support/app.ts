/**
 * Helpers for the runtime's end-to-end tests: layers made with tar-stream, images around
 * them, executables written by the real packer (src/pack) around the runtime built by
 * `make -C native`, and runs as root or as the unprivileged user `chefer-test`.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import tar from "tar-stream";
import type { Mount, Recipe, Service } from "../../../src/appcipe/types.js";
import {
  buildExecutable,
  plainRecipe,
  plainService,
  type ResolvedImage,
} from "../../../src/pack/index.js";
import type { ImageRunConfig } from "../../../src/pack/image.js";
import { repoRoot } from "../../support/cli.js";

export const runtimeBin = join(repoRoot, "native/build/chefer-runtime");
export const driverBin = join(repoRoot, "native/build/chefer-native-test");
export const testUser = "chefer-test";

/** Why the runtime tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (!existsSync(runtimeBin))
    return "native/build/chefer-runtime is missing; run `make -C native`";
  if (process.platform !== "linux") return "the runtime runs on Linux only";
  return undefined;
}

/** One entry of a layer tar: tar-stream's header plus optional content. */
export interface LayerEntry {
  name: string;
  type?: "file" | "directory" | "symlink" | "link" | "character-device" | "fifo";
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
  content?: string | Buffer;
}

/** Builds an uncompressed layer tar from entries, in order. */
export async function makeLayer(entries: LayerEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const type = e.type ?? (e.content === undefined ? "directory" : "file");
    const header: Parameters<typeof pack.entry>[0] = {
      name: e.name,
      type,
      mode: e.mode ?? (type === "directory" ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: new Date(0),
      ...(e.linkname === undefined ? {} : { linkname: e.linkname }),
    };
    if (e.content === undefined) pack.entry(header);
    else pack.entry(header, e.content);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const applets = [
  "sh",
  "cat",
  "echo",
  "env",
  "id",
  "hostname",
  "ls",
  "pwd",
  "sleep",
  "true",
  "stat",
  "touch",
  "grep",
  "wc",
];

/** A layer with busybox (a static binary) and a few applet links, plus users and groups. */
export async function busyboxLayer(): Promise<Buffer> {
  const passwd =
    "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n";
  const group = "root:x:0:\napp:x:1000:\nextra:x:2000:app\nnogroup:x:65534:\n";
  return makeLayer([
    { name: "bin/" },
    { name: "bin/busybox", content: readFileSync("/bin/busybox"), mode: 0o755 },
    ...applets.map((a) => ({ name: `bin/${a}`, type: "symlink" as const, linkname: "busybox" })),
    { name: "etc/" },
    { name: "etc/passwd", content: passwd },
    { name: "etc/group", content: group },
    { name: "home/" },
    { name: "home/app/", uid: 1000, gid: 1000 },
    { name: "tmp/", mode: 0o1777 },
  ]);
}

function diffId(layer: Buffer): string {
  return `sha256:${createHash("sha256").update(layer).digest("hex")}`;
}

/** A resolved image around in-memory layers, as the packer's image sources produce. */
export function imageOf(
  layers: Buffer[],
  config: ImageRunConfig = {},
  arch: "amd64" | "arm64" = "amd64",
): ResolvedImage {
  return {
    origin: "test image",
    platform: `linux/${arch}`,
    config: {
      architecture: arch,
      os: "linux",
      config,
      rootfs: { type: "layers", diff_ids: layers.map(diffId) },
    },
    layers: layers.map((l) => ({ diffId: diffId(l), open: async () => Readable.from([l]) })),
  };
}

export interface TestService {
  name: string;
  layers: Buffer[];
  config?: ImageRunConfig;
  over?: Partial<Service>;
}

const workDirs: string[] = [];

// Removed when the test file's process ends. A run directory a detached clean-up is still
// removing may be left behind; that is harmless in /tmp.
process.on("exit", () => {
  for (const dir of workDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // files owned by another user's subordinate ids, when not root
    }
  }
});

/** A directory every test user can read, for executables and their caches. */
export function workDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `chefer-${prefix}-`));
  chmodSync(dir, 0o755);
  workDirs.push(dir);
  return dir;
}

/** Packs the services into an executable with the real packer and the host runtime. */
export async function buildApp(
  dir: string,
  name: string,
  services: TestService[],
  volumes: string[] = [],
  target: { name: "x86_64-linux" | "aarch64-linux"; runtime: string } = {
    name: "x86_64-linux",
    runtime: runtimeBin,
  },
  recipeOver: Partial<Recipe> = {},
): Promise<string> {
  const recipe = plainRecipe(
    name,
    services.map((s) =>
      plainService(s.name, { source: "tar", file: "/dev/null", format: "auto" }, s.over),
    ),
    { volumes: Object.fromEntries(volumes.map((v) => [v, { name: v }])), ...recipeOver },
  );
  const arch = target.name === "x86_64-linux" ? "amd64" : "arm64";
  const images = new Map(services.map((s) => [s.name, imageOf(s.layers, s.config, arch)]));
  const out = join(dir, name);
  await buildExecutable({ recipe, target: target.name, runtime: target.runtime, out, images });
  return out;
}

export function volumeMount(source: string, target: string): Mount {
  return { type: "volume", source, target, readOnly: false };
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Run as the unprivileged test user (setpriv) instead of the current user. */
  asUser?: boolean;
  /** The home for cache and data; defaults to a fresh directory. */
  home: string;
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
}

/** Makes `chefer-test` exist (root only), with a subordinate id range as useradd gives. */
export function ensureTestUser(): string | undefined {
  if (spawnSync("id", ["-u", testUser]).status === 0) return undefined;
  if (process.getuid?.() !== 0) return `user ${testUser} is missing and only root can create it`;
  const r = spawnSync("useradd", ["-m", testUser]);
  return r.status === 0 ? undefined : `useradd ${testUser} failed: ${String(r.stderr)}`;
}

function userIds(): { uid: number; gid: number } {
  const uid = Number(spawnSync("id", ["-u", testUser]).stdout.toString().trim());
  const gid = Number(spawnSync("id", ["-g", testUser]).stdout.toString().trim());
  return { uid, gid };
}

/** A home directory for one run of an app; owned by the test user when asUser. */
export function makeHome(dir: string, asUser = false): string {
  const home = mkdtempSync(join(dir, "home-"));
  if (asUser) {
    const { uid, gid } = userIds();
    chownSync(home, uid, gid);
  }
  return home;
}

/** Runs an executable and collects its output. */
export function runApp(exe: string, args: string[], o: RunOptions): Promise<RunResult> {
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: o.home, ...o.env };
  const [cmd, argv] = o.asUser
    ? ["setpriv", ["--reuid", testUser, "--regid", testUser, "--init-groups", "--", exe, ...args]]
    : [exe, args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd as string, argv as string[], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), o.timeoutMs ?? 30000);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    // A runtime that fails early (a damaged footer) may exit before reading its stdin.
    child.stdin.on("error", () => undefined);
    child.stdin.end(o.input ?? "");
  });
}
