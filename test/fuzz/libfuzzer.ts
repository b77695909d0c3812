/** Building and running the native libFuzzer targets (native/fuzz.mk) from the tests. */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const nativeDir = fileURLToPath(new URL("../../native", import.meta.url));
export const fuzzDir = join(nativeDir, "fuzz");
export const TARGETS = ["json", "manifest", "footer", "tar", "plan", "blob"] as const;
export type Target = (typeof TARGETS)[number];

/** Why the fuzzers cannot be built here, or undefined when they can. */
export function missingToolchain(): string | undefined {
  const clang = spawnSync("clang", ["--version"], { stdio: "ignore" });
  if (clang.error || clang.status !== 0) return "clang is not installed (apt-get install clang)";
  const make = spawnSync("make", ["--version"], { stdio: "ignore" });
  if (make.error || make.status !== 0) return "make is not installed";
  return undefined;
}

/** Builds every target; returns make's output when it fails. */
export function buildFuzzers(): string | undefined {
  const made = spawnSync("make", ["-s", "-C", nativeDir, "-f", "fuzz.mk"], { encoding: "utf8" });
  return made.status === 0 ? undefined : `${made.stdout}${made.stderr}`;
}

export function binary(target: Target): string {
  return join(nativeDir, "build", "fuzz", `fuzz-${target}`);
}

/** The target's input directories in the repo that exist: seeds, then regressions. */
export function inputDirs(target: Target): string[] {
  const dirs = [join(fuzzDir, "corpus", target), join(fuzzDir, "regressions", target)];
  return dirs.filter((dir) => existsSync(dir));
}

export function dictionary(target: Target): string {
  return join(fuzzDir, "dict", `${target}.dict`);
}

export interface FuzzRun {
  code: number | null;
  output: string;
}

/** Runs a fuzzer at low priority, as the machine is shared; its log is libFuzzer's stderr. */
export function runFuzzer(
  target: Target,
  args: string[],
  env: Record<string, string> = {},
): Promise<FuzzRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("nice", ["-n", "10", binary(target), ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** The lines of a libFuzzer log that say what went wrong, for an assertion message. */
export function crashSummary(output: string): string {
  const keep = /ERROR|SUMMARY|fuzz-\w+:|Test unit written|runtime error|#\d+ .* in (?!fuzzer::)/;
  const lines = output.split("\n").filter((line) => keep.test(line));
  return lines.slice(0, 20).join("\n");
}
