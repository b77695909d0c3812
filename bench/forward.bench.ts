import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./lib.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const driver = join(repo, "native/build/net-driver");
const SECONDS = 4;

/**
 * TCP throughput through chefer's port forwarder (host loopback -> splice relay -> a service
 * in its own network namespace on the app network) against iperf3 over plain host loopback.
 */
export async function run(): Promise<BenchRow[]> {
  build();
  const direct = await directThroughput(25201);
  const forwarded = await forwardedThroughput(25202);
  return [
    {
      name: `TCP through a published port (iperf3, 1 stream, ${SECONDS} s)`,
      value: forwarded,
      baseline: direct,
      baselineName: "direct loopback",
      unit: "Gbit/s",
      higherIsBetter: true,
    },
  ];
}

function build(): void {
  const r = spawnSync("make", ["-s", "-f", "native/net.mk", "net-all"], {
    cwd: repo,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`building net-driver failed: ${r.stderr}`);
}

async function directThroughput(port: number): Promise<number> {
  const server = spawn("iperf3", ["-s", "-1", "-p", String(port)], { stdio: "ignore" });
  try {
    await sleep(300);
    return iperfClient(port);
  } finally {
    server.kill();
  }
}

async function forwardedThroughput(port: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "chefer-bench-net-"));
  const plan = join(dir, "plan");
  writeFileSync(
    plan,
    ["mode internal", "service iperf", `port tcp 127.0.0.1 ${port} 5201`, "arg iperf3", "arg -s"]
      .map((l) => `${l}\n`)
      .join(""),
  );
  const child = spawn(driver, ["run", plan], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    await waitForReady(child.stdout);
    await sleep(300);
    return iperfClient(port);
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.on("close", resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

function iperfClient(port: number): number {
  const r = spawnSync(
    "iperf3",
    ["-c", "127.0.0.1", "-p", String(port), "-t", String(SECONDS), "-J"],
    {
      encoding: "utf8",
      timeout: (SECONDS + 10) * 1000,
    },
  );
  const report = JSON.parse(r.stdout || "{}") as {
    end?: { sum_received?: { bits_per_second?: number } };
    error?: string;
  };
  const bps = report.end?.sum_received?.bits_per_second;
  if (!bps) throw new Error(`iperf3 on port ${port} failed: ${report.error ?? r.stderr}`);
  return bps / 1e9;
}

function waitForReady(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    stream.on("data", (d: Buffer) => {
      out += d.toString();
      if (/^ready$/m.test(out)) resolve();
    });
    stream.on("end", () => reject(new Error("net-driver exited before it was ready")));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
