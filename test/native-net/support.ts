import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../support/cli.js";

export const driver = join(repoRoot, "native/build/net-driver");
export const busybox = "/bin/busybox";
export const testUser = "chefer-test";

/** Builds native/build/net-driver; the lock keeps parallel test files from racing make. */
export function buildDriver(): void {
  const r = spawnSync(
    "flock",
    ["/tmp/chefer-net-build.lock", "make", "-s", "-f", "native/net.mk", "net-all"],
    { cwd: repoRoot, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`building net-driver failed:\n${r.stderr}`);
}

/** Who runs the driver: root (still inside its own user namespace) or an unprivileged user. */
export interface Identity {
  name: string;
  prefix: string[];
  skip: string | false;
}

/**
 * The identities this machine can test: as root all three; as a user only that user. Root
 * runs once with container root mapped to itself and once mapped to an unprivileged host
 * range, as the runtime maps it (native/src/userns.h).
 */
export function identities(): Identity[] {
  const range = "root, with container root mapped to an unprivileged range";
  buildDriver();
  if (process.getuid?.() !== 0) {
    return [
      { name: "root", prefix: [], skip: "needs root to run as root" },
      { name: range, prefix: [], skip: "needs root to run as root" },
      probed({ name: "an unprivileged user", prefix: [], skip: false }),
    ];
  }
  ensureTestUser();
  return [
    probed({ name: "root", prefix: [], skip: false }),
    probed({ name: range, prefix: ["env", "CHEFER_NET_DRIVER_IDMAP=range"], skip: false }),
    probed({
      name: "an unprivileged user",
      prefix: ["runuser", "-u", testUser, "--"],
      skip: false,
    }),
  ];
}

/** Skips an identity that may not create user and network namespaces here, except in CI,
 * where the tests must run and so fail. */
function probed(who: Identity): Identity {
  const argv = [...who.prefix, driver, "probe"];
  const r = spawnSync(argv[0] ?? driver, argv.slice(1), { encoding: "utf8" });
  if (r.status === 0 || process.env.CI) return who;
  return { ...who, skip: `namespaces are not available here: ${r.stderr.trim()}` };
}

function ensureTestUser(): void {
  if (spawnSync("id", [testUser]).status === 0) return;
  const r = spawnSync("useradd", ["-m", testUser], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`useradd ${testUser} failed: ${r.stderr}`);
}

/** A scratch directory every identity can write into (services write their findings here). */
export function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "chefer-net-test-"));
  chmodSync(dir, 0o777);
  return dir;
}

/** A shell command line as one service's argv, one `arg` line per word. */
export function shellArgs(script: string): string[] {
  return ["/bin/sh", "-c", script];
}

export interface PlanService {
  name: string;
  hostname?: string;
  aliases?: string[];
  extraHosts?: [string, string][];
  ports?: string[];
  argv: string[];
}

export function writePlan(dir: string, mode: string, services: PlanService[]): string {
  const lines = [`mode ${mode}`, "udp_idle_ms 2000"];
  for (const s of services) {
    lines.push(`service ${s.name}`);
    if (s.hostname) lines.push(`hostname ${s.hostname}`);
    for (const a of s.aliases ?? []) lines.push(`alias ${a}`);
    for (const [host, ip] of s.extraHosts ?? []) lines.push(`extra ${host} ${ip}`);
    for (const p of s.ports ?? []) lines.push(`port ${p}`);
    for (const a of s.argv) lines.push(`arg ${a}`);
  }
  const path = join(dir, "plan");
  writeFileSync(path, `${lines.join("\n")}\n`);
  chmodSync(path, 0o644);
  return path;
}

export interface Running {
  stdout: string;
  stderr: string;
  code: number | null;
  stop: () => Promise<void>;
}

/** Starts `net-driver run` and resolves once it prints `ready`, or once it exits. */
export function runDriver(identity: Identity, plan: string): Promise<Running> {
  const argv = [...identity.prefix, driver, "run", plan];
  const child = spawn(argv[0] ?? driver, argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  const state: Running = { stdout: "", stderr: "", code: null, stop: () => stopChild() };
  // "exit", not "close": a process the driver leaked would hold its pipes open forever.
  const exited = new Promise<void>((resolve) =>
    child.on("exit", (code) => {
      state.code = code;
      setTimeout(resolve, 50); // lets the last output arrive
    }),
  );
  function stopChild(): Promise<void> {
    if (state.code === null) child.kill("SIGTERM");
    return exited;
  }
  child.stderr.on("data", (d: Buffer) => (state.stderr += d.toString()));
  return new Promise((resolve) => {
    child.stdout.on("data", (d: Buffer) => {
      state.stdout += d.toString();
      if (/^ready$/m.test(state.stdout)) resolve(state);
    });
    void exited.then(() => resolve(state));
  });
}

/** Waits until a file a service writes appears, for at most `ms`. */
export async function waitForFile(path: string, ms = 5000): Promise<string | undefined> {
  for (const start = Date.now(); Date.now() - start < ms; await sleep(50)) {
    if (existsSync(path)) {
      const text = readFileSync(path, "utf8");
      if (text.length > 0) return text;
    }
  }
  return undefined;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A block of `count` consecutive TCP and UDP ports that are free on the host right now. */
export async function freePorts(count: number): Promise<number> {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const ok = await Promise.all(Array.from({ length: count }, (_, i) => isFree(base + i)));
    if (ok.every(Boolean)) return base;
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

/** A loop in a service script: retries a command up to 50 times, 0.1 s apart. */
export function retry(command: string): string {
  return `i=0; until ${command}; do i=$((i+1)); [ $i -ge 50 ] && break; sleep 0.1; done`;
}
