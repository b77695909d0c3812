/**
 * `chefer doctor`: can this machine build and run apps? Each check looks at the real
 * machine (sysctls, a user namespace and an overlay mount actually tried, subordinate ids,
 * helpers, the kit, the Docker engine, a display) and says PASS, WARN or FAIL with the fix.
 * A FAIL means packed apps (or `chefer build`) will not work here; a WARN means some will.
 */
import { spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { mkdirSync } from "node:fs";
import { release as osRelease, tmpdir, userInfo } from "node:os";
import { isAbsolute, join } from "node:path";
import Docker from "dockerode";
import { findRuntime, hostTarget, TARGETS, type Target } from "./kit.js";

export type CheckStatus = "PASS" | "WARN" | "FAIL";

export interface CheckResult {
  /** What is checked, e.g. "user namespaces". */
  check: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** The exact change that turns a WARN or FAIL into a PASS. */
  fix?: string;
}

export interface DoctorOptions {
  /** Where sysctls are read: /proc/sys, or a directory laid out like it (tests). */
  procSys?: string;
  /** Where subuid and subgid are read: /etc. */
  etc?: string;
  kitDirs?: string[];
  env?: NodeJS.ProcessEnv;
  uid?: number;
  user?: string;
}

interface Context {
  procSys: string;
  etc: string;
  kitDirs: string[];
  env: NodeJS.ProcessEnv;
  uid: number;
  user: string;
}

function context(o: DoctorOptions): Context {
  return {
    procSys: o.procSys ?? "/proc/sys",
    etc: o.etc ?? "/etc",
    kitDirs: o.kitDirs ?? [],
    env: o.env ?? process.env,
    uid: o.uid ?? process.getuid?.() ?? -1,
    user: o.user ?? userInfo().username,
  };
}

const pass = (check: string, detail: string): CheckResult => ({ check, status: "PASS", detail });
const warn = (check: string, detail: string, fix: string): CheckResult => ({
  check,
  status: "WARN",
  detail,
  fix,
});
const failed = (check: string, detail: string, fix: string): CheckResult => ({
  check,
  status: "FAIL",
  detail,
  fix,
});

function sysctl(ctx: Context, name: string): string | undefined {
  try {
    return readFileSync(join(ctx.procSys, ...name.split(".")), "utf8").trim();
  } catch {
    return undefined;
  }
}

/** The sysctls that turn unprivileged user namespaces off, on kernels that have them. */
export function checkUserNamespaceSysctls(o: DoctorOptions = {}): CheckResult {
  const ctx = context(o);
  const name = "user namespace sysctls";
  if (sysctl(ctx, "user.max_user_namespaces") === "0")
    return failed(
      name,
      "user.max_user_namespaces is 0",
      "sudo sysctl -w user.max_user_namespaces=15000",
    );
  if (sysctl(ctx, "kernel.unprivileged_userns_clone") === "0")
    return failed(
      name,
      "kernel.unprivileged_userns_clone is 0",
      "sudo sysctl -w kernel.unprivileged_userns_clone=1 (and add it to /etc/sysctl.d/ to keep it)",
    );
  if (sysctl(ctx, "kernel.apparmor_restrict_unprivileged_userns") === "1")
    return failed(
      name,
      "kernel.apparmor_restrict_unprivileged_userns is 1 (AppArmor denies mounts and id maps)",
      "sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or add an AppArmor profile " +
        "with `userns,` for the app's path",
    );
  return pass(name, "unprivileged user namespaces are allowed");
}

/** The kernel: openat2 (5.6) keeps extraction inside the root; rootless overlayfs needs 5.11. */
export function checkKernel(release = osRelease()): CheckResult {
  const name = "kernel";
  const [major = 0, minor = 0] = release.split(/[.-]/).map(Number);
  const at = major * 1000 + minor;
  if (at < 5006)
    return failed(
      name,
      `Linux ${release}: the runtime needs openat2 (Linux 5.6)`,
      "upgrade to Linux 5.11 or later",
    );
  if (at < 5011)
    return warn(
      name,
      `Linux ${release}: no overlayfs in a user namespace; layers are copied at each start`,
      "upgrade to Linux 5.11 or later",
    );
  return pass(name, `Linux ${release}`);
}

/** Creating a user namespace for real, as the current user. */
export function checkUserNamespace(): CheckResult {
  const name = "user namespaces";
  const r = spawnSync("unshare", ["--user", "--map-root-user", "--mount", "true"], {
    encoding: "utf8",
  });
  if (r.status === 0) return pass(name, "a user and mount namespace can be created");
  return failed(
    name,
    `unshare --user failed: ${(r.stderr || String(r.error ?? "")).trim()}`,
    "enable unprivileged user namespaces (see the sysctl check above)",
  );
}

/** An overlay mount inside a user namespace, as the runtime makes for each service. */
export function checkOverlay(): CheckResult {
  const name = "overlayfs in a user namespace";
  const dir = mkdtempSync(join(tmpdir(), "chefer-doctor-"));
  try {
    for (const d of ["lower", "upper", "work", "merged"]) mkdirSync(join(dir, d));
    const script =
      "mount -t overlay overlay -o userxattr,lowerdir=lower,upperdir=upper,workdir=work merged";
    const r = spawnSync("unshare", ["--user", "--map-root-user", "--mount", "sh", "-c", script], {
      cwd: dir,
      encoding: "utf8",
    });
    if (r.status === 0) return pass(name, "overlay mounts work rootless (fast warm starts)");
    return warn(
      name,
      `overlay mount refused: ${(r.stderr || String(r.error ?? "")).trim()}; apps fall back to a merged copy of their layers`,
      "use Linux 5.11 or later for rootless overlayfs",
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function subidRange(file: string, user: string, uid: number): string | undefined {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .map((l) => l.split(":"))
      .find((f) => f.length === 3 && (f[0] === user || f[0] === String(uid)))
      ?.slice(1)
      .join(":");
  } catch {
    return undefined;
  }
}

function isSetuidHelper(path: string): boolean {
  try {
    const st = statSync(path);
    if (st.mode & 0o4000) return true;
    const caps = spawnSync("getcap", [path], { encoding: "utf8" });
    return /cap_set[ug]id/.test(caps.stdout ?? "");
  } catch {
    return false;
  }
}

/** Subordinate ids and newuidmap: images that switch users need more than one id. */
export function checkSubordinateIds(o: DoctorOptions = {}): CheckResult {
  const ctx = context(o);
  const name = "subordinate ids";
  if (ctx.uid === 0)
    return pass(name, "running as root: container ids map to an unprivileged range directly");
  const fix =
    `sudo usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${ctx.user}` +
    " && sudo apt-get install uidmap";
  const uids = subidRange(join(ctx.etc, "subuid"), ctx.user, ctx.uid);
  const gids = subidRange(join(ctx.etc, "subgid"), ctx.user, ctx.uid);
  if (!uids || !gids)
    return warn(
      name,
      `no range for ${ctx.user} in /etc/subuid and /etc/subgid; images that switch users fail`,
      fix,
    );
  const helpers = ["/usr/bin/newuidmap", "/usr/bin/newgidmap"];
  if (!helpers.every(isSetuidHelper))
    return warn(name, "newuidmap or newgidmap is missing or not set-uid", fix);
  return pass(name, `uids ${uids}, gids ${gids}, newuidmap and newgidmap present`);
}

/** pasta, which gives apps their own network with published ports. */
export function checkPasta(o: DoctorOptions = {}): CheckResult {
  const ctx = context(o);
  const name = "pasta";
  const r = spawnSync("pasta", ["--version"], { encoding: "utf8", env: ctx.env });
  if (r.status !== 0)
    return warn(
      name,
      "pasta is not installed: services of apps with network: bridge get no outbound traffic",
      "sudo apt-get install passt",
    );
  try {
    accessSync("/dev/net/tun", constants.R_OK | constants.W_OK);
  } catch {
    return warn(
      name,
      "/dev/net/tun cannot be opened by this user: services of apps with network: bridge get no outbound traffic",
      "sudo chmod 0666 /dev/net/tun (most distributions ship it so)",
    );
  }
  return pass(name, "services reach the outside through pasta (network: bridge)");
}

/** A runtime in the kit for every target; the host's target is required to build and run. */
export async function checkKit(o: DoctorOptions = {}): Promise<CheckResult[]> {
  const ctx = context(o);
  let host: Target | undefined;
  try {
    host = hostTarget();
  } catch {
    host = undefined;
  }
  return Promise.all(
    TARGETS.map(async (target) => {
      const name = `kit for ${target}`;
      try {
        return pass(name, await findRuntime(target, ctx.kitDirs));
      } catch (error) {
        const fix = "build it with `make -C native kit` in the chefer checkout, or pass --kit-dir";
        const detail = error instanceof Error ? error.message : String(error);
        return target === host ? failed(name, detail, fix) : warn(name, detail, fix);
      }
    }),
  );
}

function dockerFromEnv(env: NodeJS.ProcessEnv): { docker: Docker; where: string } {
  const host = env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
  if (host.startsWith("unix://"))
    return { docker: new Docker({ socketPath: host.slice(7) }), where: host };
  const url = new URL(host.replace(/^tcp:/, "http:"));
  return {
    docker: new Docker({ host: url.hostname, port: Number(url.port || 2375) }),
    where: host,
  };
}

/** A Docker engine, needed only for images from the engine or from a Dockerfile. */
export async function checkDocker(o: DoctorOptions = {}): Promise<CheckResult> {
  const ctx = context(o);
  const name = "Docker engine";
  const { docker, where } = dockerFromEnv(ctx.env);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error("no answer in 3 s")), 3000).unref(),
  );
  try {
    const version = (await Promise.race([docker.version(), timeout])) as { Version?: string };
    return pass(name, `Docker ${version.Version ?? "?"} at ${where}`);
  } catch (error) {
    return warn(
      name,
      `no engine at ${where} (${error instanceof Error ? error.message : String(error)}); ` +
        "only images from the engine or from Dockerfiles need one",
      "start Docker, or set DOCKER_HOST to a reachable engine",
    );
  }
}

/** A display, needed only by GUI apps. */
export function checkDisplay(o: DoctorOptions = {}): CheckResult {
  const ctx = context(o);
  const name = "display";
  const wayland = waylandSocket(ctx.env);
  // As root, container root is not the desktop user, so the socket is not passed on.
  if (wayland && ctx.uid !== 0) return pass(name, `Wayland ${wayland}`);
  const x11 = checkX11(ctx.env);
  if (x11) return { ...x11, check: name };
  const why = wayland
    ? `Wayland ${wayland} cannot reach the services of an app started as root, and there is no X11 display`
    : "no X11 or Wayland display; only GUI apps need one";
  return warn(
    name,
    why,
    "run the app as the desktop user, or set DISPLAY (e.g. start `Xvfb :99` and export DISPLAY=:99)",
  );
}

/** The Wayland socket the runtime would pass on: WAYLAND_DISPLAY, under XDG_RUNTIME_DIR. */
function waylandSocket(env: NodeJS.ProcessEnv): string | undefined {
  const display = env.WAYLAND_DISPLAY;
  if (!display) return undefined;
  const path = isAbsolute(display)
    ? display
    : env.XDG_RUNTIME_DIR
      ? join(env.XDG_RUNTIME_DIR, display)
      : undefined;
  return path && existsSync(path) ? path : undefined;
}

/** DISPLAY as the runtime reads it: `:N`, `unix:N` (local socket) or `host:N` (TCP). */
function checkX11(env: NodeJS.ProcessEnv): CheckResult | undefined {
  const display = env.DISPLAY ?? "";
  const local = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(display);
  if (local) {
    if (!existsSync(`/tmp/.X11-unix/X${local[1]}`)) return undefined;
    const cookie = damagedCookieFile(env);
    return cookie
      ? warn(
          "",
          `X11 ${display}, but ${cookie}`,
          "log in again, or run `xauth generate " + display + "`",
        )
      : pass("", `X11 ${display}`);
  }
  if (/^[^:/]+:\d+(?:\.\d+)?$/.test(display))
    return warn(
      "",
      `X11 over TCP (${display}): services reach it only with network: shared`,
      "use a local display, or give GUI apps `network: shared`",
    );
  return undefined;
}

/**
 * Why the X cookie file would be skipped by the runtime, or undefined when it reads (or there
 * is none: a server without access control needs no cookie). Each entry is a 16-bit family and
 * four 16-bit-length-prefixed fields, big-endian.
 */
function damagedCookieFile(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.XAUTHORITY || (env.HOME ? join(env.HOME, ".Xauthority") : undefined);
  if (!file || !existsSync(file)) return undefined;
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (e) {
    return `the X cookie file ${file} cannot be read: ${(e as Error).message}`;
  }
  let at = 0;
  while (at < data.length) {
    at += 2;
    for (let field = 0; field < 4 && at <= data.length; field++)
      at = at + 2 > data.length ? Infinity : at + 2 + data.readUInt16BE(at);
    if (at > data.length)
      return `the X cookie file ${file} is damaged (an entry runs past its end)`;
  }
  return undefined;
}

/** Every check, in the order they are printed. */
export async function runDoctor(o: DoctorOptions = {}): Promise<CheckResult[]> {
  return [
    checkKernel(),
    checkUserNamespaceSysctls(o),
    checkUserNamespace(),
    checkOverlay(),
    checkSubordinateIds(o),
    checkPasta(o),
    ...(await checkKit(o)),
    await checkDocker(o),
    checkDisplay(o),
  ];
}

/** One line per check, and an indented fix line under each WARN and FAIL. */
export function formatChecks(results: CheckResult[], paint: (s: CheckStatus) => string): string {
  return results
    .map((r) => {
      const head = `${paint(r.status)}  ${r.check}: ${r.detail}`;
      return r.fix && r.status !== "PASS" ? `${head}\n      fix: ${r.fix}` : head;
    })
    .join("\n")
    .concat("\n");
}
