import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { plainRecipe, plainService } from "../src/pack/index.js";
import { DEFAULT_ZSTD_LEVEL } from "../src/pack/index.js";
import { writeBigLayout } from "../test/pack/support/big-image.js";
import type { ImageSource } from "../src/appcipe/types.js";
import type { BenchRow } from "./lib.js";

const MIB = 1024 * 1024;
const here = fileURLToPath(new URL(".", import.meta.url));
const dockerHost = process.env.CHEFER_TEST_DOCKER_HOST;

interface PackResult {
  seconds: number;
  usize: number;
  size: number;
  maxRssMiB: number;
}

/** Runs bench/pack-once.ts in its own process, so its peak memory is the packer's alone. */
function packOnce(dir: string, image: ImageSource, level = DEFAULT_ZSTD_LEVEL): PackResult {
  const recipe = plainRecipe("bench", [plainService("big", image)], {
    file: join(dir, "appcipe.yml"),
  });
  writeFileSync(join(dir, "recipe.json"), JSON.stringify(recipe));
  writeFileSync(join(dir, "runtime"), "#!/bin/sh\n");
  const args = [
    "--import",
    "tsx",
    join(here, "pack-once.ts"),
    join(dir, "recipe.json"),
    join(dir, "runtime"),
    join(dir, "out"),
    String(level),
  ];
  const out = execFileSync(process.execPath, args, {
    encoding: "utf8",
    env: { ...process.env, DOCKER_HOST: dockerHost ?? process.env.DOCKER_HOST },
  });
  return JSON.parse(out) as PackResult;
}

/** Seconds for a shell pipeline, and the size of what it wrote. */
function timeShell(script: string, output: string): { seconds: number; size: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync("sh", ["-c", script], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`baseline failed: ${script}`);
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, size: statSync(output).size };
}

/** Loads the layout into the test engine as an image, so both sides start from Docker. */
function loadIntoDocker(layout: string, tag: string): boolean {
  if (!dockerHost) return false;
  const tar = join(layout, "..", "image.tar");
  execFileSync("skopeo", ["copy", "-q", `oci:${layout}`, `docker-archive:${tar}:${tag}`]);
  execFileSync("docker", ["-H", dockerHost, "load", "-q", "-i", tar], { stdio: "ignore" });
  rmSync(tar);
  return true;
}

async function throughput(dir: string): Promise<BenchRow[]> {
  const layout = join(dir, "layout-256");
  const { layerBytes } = await writeBigLayout(layout, 256 * MIB);
  const tag = "chefer-bench/mixed:1";
  const viaDocker = loadIntoDocker(layout, tag);
  const level = DEFAULT_ZSTD_LEVEL;
  const chefer = packOnce(
    dir,
    viaDocker ? { source: "docker", ref: tag } : { source: "tar", file: layout, format: "auto" },
  );
  const out = join(dir, "baseline.zst");
  const layerFile = join(layout, "blobs", "sha256");
  const base = viaDocker
    ? timeShell(`docker -H ${dockerHost} save ${tag} | zstd -q -T0 -${level} > ${out}`, out)
    : timeShell(`cat ${layerFile}/* | zstd -q -T0 -${level} > ${out}`, out);
  const baseName = viaDocker ? `docker save | zstd -T0 -${level}` : `zstd -T0 -${level}`;
  if (viaDocker)
    execFileSync("docker", ["-H", dockerHost as string, "rmi", tag], { stdio: "ignore" });
  const mbs = (s: number) => layerBytes / MIB / s;
  return [
    {
      name: `pack 256 MiB mixed layer, level ${level}`,
      value: mbs(chefer.seconds),
      baseline: mbs(base.seconds),
      baselineName: baseName,
      unit: "MiB/s",
      higherIsBetter: true,
    },
    {
      name: "packed size of that layer",
      value: chefer.size / MIB,
      baseline: base.size / MIB,
      baselineName: baseName,
      unit: "MiB",
      higherIsBetter: false,
    },
  ];
}

async function peakMemory(dir: string): Promise<BenchRow[]> {
  const layout = join(dir, "layout-1g");
  await writeBigLayout(layout, 1024 * MIB);
  const r = packOnce(dir, { source: "tar", file: layout, format: "auto" });
  return [
    {
      name: "peak memory packing a 1 GiB layer",
      value: r.maxRssMiB,
      unit: "MiB",
      higherIsBetter: false,
    },
    {
      name: "pack 1 GiB mixed layer",
      value: r.usize / MIB / r.seconds,
      unit: "MiB/s",
      higherIsBetter: true,
    },
  ];
}

/** Pack throughput against `docker save | zstd -T0`, and peak memory on a 1 GiB layer. */
export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "chefer-bench-"));
  try {
    return [...(await throughput(dir)), ...(await peakMemory(dir))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
