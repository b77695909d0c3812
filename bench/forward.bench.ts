import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./lib.js";

const repo = fileURLToPath(new URL("..", import.meta.url));
const driver = join(repo, "native/build/net-driver");
const SECONDS = 4;
const CONNECTIONS = 1000;

/**
 * TCP throughput through chefer's port forwarder (host loopback -> splice relay -> a service
 * in its own network namespace on the app network) against iperf3 over plain host loopback.
 */
export async function run(): Promise<BenchRow[]> {
  build();
  const direct = await directThroughput(25201);
  const forwarded = await forwardedThroughput(25202);
  const relayOnly = await withService(
    25205,
    ["iperf3", "-s", "-B", "127.0.0.1", "-p", "25206"],
    "25206",
    async () => iperfClient(25205),
    "shared",
  );
  const directRate = await withHostEcho(25203, () => connectionRate(25203));
  const forwardedRate = await withService(25204, [driver, "tcp-echo", "7"], "7", () =>
    connectionRate(25204),
  );
  return [
    {
      name: `TCP through a published port (iperf3, 1 stream, ${SECONDS} s)`,
      value: forwarded,
      baseline: direct,
      baselineName: "direct loopback",
      unit: "Gbit/s",
      higherIsBetter: true,
    },
    {
      name: `TCP through the relay alone (shared mode, no veth; iperf3, ${SECONDS} s)`,
      value: relayOnly,
      baseline: direct,
      baselineName: "direct loopback",
      unit: "Gbit/s",
      higherIsBetter: true,
    },
    {
      name: `TCP connections through a published port (${CONNECTIONS} sequential, 1-byte echo)`,
      value: forwardedRate,
      baseline: directRate,
      baselineName: "direct loopback",
      unit: "conn/s",
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

function forwardedThroughput(port: number): Promise<number> {
  return withService(port, ["iperf3", "-s"], "5201", async () => iperfClient(port));
}

/** Runs `argv` as the one service of an app, publishing hostPort to its port. */
async function withService<T>(
  hostPort: number,
  argv: string[],
  servicePort: string,
  measure: () => Promise<T>,
  mode = "internal",
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "chefer-bench-net-"));
  const plan = join(dir, "plan");
  const args = argv.map((a) => `arg ${a}`);
  const lines = [`mode ${mode}`, "service s", `port tcp 127.0.0.1 ${hostPort} ${servicePort}`];
  writeFileSync(plan, [...lines, ...args].map((l) => `${l}\n`).join(""));
  const child = spawn(driver, ["run", plan], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    await waitForReady(child.stdout);
    await sleep(300);
    return await measure();
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.on("close", resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withHostEcho<T>(port: number, measure: () => Promise<T>): Promise<T> {
  const server = spawn(driver, ["tcp-echo", String(port)], { stdio: "ignore" });
  try {
    await sleep(300);
    return await measure();
  } finally {
    server.kill();
  }
}

/** Sequential connect, 1-byte echo, close; connections per second. */
async function connectionRate(port: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < CONNECTIONS; i++) await echoOnce(port);
  return CONNECTIONS / (Number(process.hrtime.bigint() - start) / 1e9);
}

function echoOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: "127.0.0.1", port }, () => sock.write("x"));
    sock.once("data", () => {
      sock.end();
      resolve();
    });
    sock.on("error", reject);
  });
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
