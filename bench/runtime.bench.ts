/**
 * The runtime's start-up cost. Warm start (cache present) against the floor, `unshare
 * -Urmpf --mount-proc` + chroot of the same extracted tree, and against `docker run` of the
 * same image on the test engine when one is available; cold start against `zstd -d | tar -x`
 * of the same layer; a multi-layer first run against extracting one layer at a time; and the
 * size of the static runtime.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compress } from "@mongodb-js/zstd";
import { timeMedian, type BenchRow } from "./lib.js";
import { busyboxLayer, buildApp, makeLayer, runtimeBin } from "../test/native/support/app.js";
import { repoRoot } from "../test/support/cli.js";

function run(cmd: string, args: string[], env: Record<string, string> = {}): void {
  const r = spawnSync(cmd, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${String(r.stderr)}`);
}

async function startRows(dir: string, exe: string, layer: Buffer): Promise<BenchRow[]> {
  const home = join(dir, "home");
  mkdirSync(home);
  const env = { HOME: home };
  run(exe, [], env);
  // The floor runs on its own copy of the layer: the cache belongs to the app's id mapping.
  const rootfs = join(dir, "rootfs");
  mkdirSync(rootfs);
  writeFileSync(join(dir, "layer.tar"), layer);
  run("tar", ["-x", "-C", rootfs, "-f", join(dir, "layer.tar")]);
  const warm = await timeMedian(20, async () => run(exe, [], env));
  const floor = await timeMedian(20, async () =>
    run("unshare", ["-Urmpf", "--mount-proc", "chroot", rootfs, "/bin/true"]),
  );
  const rows: BenchRow[] = [
    {
      name: "warm start, /bin/true",
      value: warm,
      baseline: floor,
      baselineName: "unshare -Urmpf + chroot",
      unit: "ms",
      higherIsBetter: false,
    },
  ];
  // A fresh home per sample: deleting the previous cache would be timed too, and deleting
  // is slow on some disks.
  let sample = 0;
  const cold = await timeMedian(5, async () => {
    const fresh = join(dir, `cold-${sample++}`);
    mkdirSync(fresh);
    run(exe, [], { HOME: fresh });
  });
  const zst = join(dir, "layer.tar.zst");
  writeFileSync(zst, await compress(layer, 6));
  const untar = await timeMedian(5, async () => {
    const out = mkdtempSync(join(dir, "x-"));
    run("sh", ["-c", `zstd -q -d -c ${zst} | tar -x -C ${out}`]);
  });
  rows.push({
    name: "cold start, /bin/true",
    value: cold,
    baseline: untar,
    baselineName: "zstd -d | tar -x",
    unit: "ms",
    higherIsBetter: false,
  });
  return rows;
}

async function dockerRow(dir: string, warm: number): Promise<BenchRow[]> {
  const host = process.env.CHEFER_TEST_DOCKER_HOST;
  if (!host) return [];
  const env = { DOCKER_HOST: host };
  const ctx = join(dir, "ctx");
  mkdirSync(ctx);
  writeFileSync(
    join(ctx, "Dockerfile"),
    'FROM scratch\nCOPY busybox /bin/busybox\nCMD ["/bin/busybox", "true"]\n',
  );
  run("cp", ["/bin/busybox", join(ctx, "busybox")]);
  run("docker", ["build", "--network", "host", "-q", "-t", "chefer-bench:1", ctx], env);
  run("docker", ["run", "--rm", "--network", "host", "chefer-bench:1"], env);
  const docker = await timeMedian(10, async () =>
    run("docker", ["run", "--rm", "--network", "host", "chefer-bench:1"], env),
  );
  return [
    {
      name: "warm start vs docker run",
      value: warm,
      baseline: docker,
      baselineName: "docker run --rm",
      unit: "ms",
      higherIsBetter: false,
    },
  ];
}

async function bridgeRow(dir: string, exe: string, shared: number): Promise<BenchRow> {
  const env = { HOME: join(dir, "home") };
  run(exe, [], env);
  return {
    name: "warm start, /bin/true, network: bridge",
    value: await timeMedian(10, async () => run(exe, [], env)),
    baseline: shared,
    baselineName: "the same with network: shared",
    unit: "ms",
    higherIsBetter: false,
  };
}

/** Resident memory of every process running the executable itself (not the services). */
function runtimeRssKiB(exe: string): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== exe) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      total += Number(rss?.[1] ?? 0);
    } catch {
      // The process ended, or belongs to someone else: not ours to count.
    }
  }
  return total;
}

/** Starts a two-service app on the bridge network and sums the runtime's own memory. */
async function memoryRow(dir: string, layer: Buffer): Promise<BenchRow> {
  const target = { name: "x86_64-linux" as const, runtime: runtimeBin };
  const sleeper = { layers: [layer], config: { Cmd: ["/bin/sleep", "30"] } };
  const exe = await buildApp(
    dir,
    "resident",
    [
      { name: "a", ...sleeper },
      { name: "b", ...sleeper },
    ],
    [],
    target,
    { network: "bridge" },
  );
  const child = spawn(exe, [], {
    env: { ...process.env, HOME: join(dir, "home") },
    stdio: "ignore",
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    return {
      name: "runtime memory while a 2-service app runs (all its processes, RSS)",
      value: runtimeRssKiB(exe) / 1024,
      unit: "MiB",
      higherIsBetter: false,
    };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
  }
}

/** Four layers of 16 MiB, half random and half text, so decompression has work to do. */
async function wideLayers(): Promise<Buffer[]> {
  const layer = (i: number) =>
    makeLayer([
      { name: `d${i}/` },
      ...Array.from({ length: 64 }, (_, f) => ({
        name: `d${i}/f${f}`,
        content: Buffer.concat([randomBytes(128 << 10), Buffer.alloc(128 << 10, 97 + (f % 26))]),
      })),
    ]);
  return Promise.all([1, 2, 3, 4].map(layer));
}

/** A first run of a multi-layer app: layers extracted side by side, against one at a time. */
async function parallelColdRow(dir: string, base: Buffer): Promise<BenchRow> {
  const layers = [base, ...(await wideLayers())];
  const main = [{ name: "main", layers, config: { Cmd: ["/bin/true"] } }];
  const target = { name: "x86_64-linux" as const, runtime: runtimeBin };
  const exe = await buildApp(dir, "wide", main, [], target, { network: "shared" });
  let sample = 0;
  const fresh = () => {
    const home = join(dir, `wide-${sample++}`);
    mkdirSync(home);
    return home;
  };
  const parallel = await timeMedian(5, async () => run(exe, [], { HOME: fresh() }));
  const serial = await timeMedian(5, async () =>
    run(exe, [], { HOME: fresh(), CHEFER_EXTRACT_JOBS: "1" }),
  );
  return {
    name: "cold start, 5 layers (4 of 16 MiB)",
    value: parallel,
    baseline: serial,
    baselineName: "one layer at a time, CHEFER_EXTRACT_JOBS=1",
    unit: "ms",
    higherIsBetter: false,
  };
}

async function run2(): Promise<BenchRow[]> {
  if (!existsSync(runtimeBin))
    throw new Error("native/build/chefer-runtime is missing; run `make -C native`");
  const dir = mkdtempSync(join(tmpdir(), "chefer-bench-"));
  try {
    const layer = await busyboxLayer();
    const main = [{ name: "main", layers: [layer], config: { Cmd: ["/bin/true"] } }];
    // The floor has no network namespace, so the like-for-like app uses network: shared;
    // the default bridge network (its own namespace, veth, pasta) is measured on its own row.
    const target = { name: "x86_64-linux" as const, runtime: runtimeBin };
    const exe = await buildApp(dir, "bench", main, [], target, { network: "shared" });
    const bridged = await buildApp(dir, "bridged", main, [], target, { network: "bridge" });
    const rows = await startRows(dir, exe, layer);
    rows.push(await parallelColdRow(dir, layer));
    rows.push(await bridgeRow(dir, bridged, rows[0]?.value ?? 0));
    rows.push(await memoryRow(dir, layer));
    rows.push(...(await dockerRow(dir, rows[0]?.value ?? 0)));
    const kit = join(repoRoot, "kit/chefer-runtime-x86_64-linux");
    if (existsSync(kit))
      rows.push({
        name: "runtime size (x86_64, static)",
        value: statSync(kit).size / 1024,
        unit: "KiB",
        higherIsBetter: false,
      });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export { run2 as run };
