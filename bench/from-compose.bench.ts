import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { convertProject } from "../src/convert/index.js";
import { UserError } from "../src/util/errors.js";
import { timeMedian, type BenchRow } from "./lib.js";

const corpusDir = fileURLToPath(new URL("../../shared/compose-corpus", import.meta.url));

function composeFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) composeFiles(path, out);
    else if (/^(docker-)?compose\.ya?ml$/.test(name)) out.push(path);
  }
  return out;
}

/** A compose file with `n` services using most translated keys. */
export function generatedCompose(n: number): string {
  const lines = ["name: big", "services:"];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  svc${i}:`,
      `    image: registry.example/app/svc${i}:1.${i}`,
      `    command: ["serve", "--id", "${i}"]`,
      `    environment: {ID: "${i}", MODE: "\${MODE:-prod}"}`,
      `    ports: ["${10000 + i}:8080"]`,
      `    volumes: ["data${i}:/data"]`,
      `    healthcheck: {test: ["CMD", "true"], interval: 5s}`,
      ...(i > 0 ? [`    depends_on: {svc${i - 1}: {condition: service_started}}`] : []),
    );
  }
  lines.push("volumes:", ...Array.from({ length: n }, (_, i) => `  data${i}: {}`));
  return `${lines.join("\n")}\n`;
}

function convertQuietly(file: string): void {
  try {
    convertProject({ files: [file], cwd: dirname(file), env: {} });
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
  }
}

async function corpusRow(): Promise<BenchRow | undefined> {
  if (!existsSync(corpusDir)) return undefined;
  const files = composeFiles(corpusDir);
  const texts = files.map((f) => readFileSync(f, "utf8"));
  const value = await timeMedian(3, async () => files.forEach(convertQuietly));
  const baseline = await timeMedian(3, async () => texts.forEach((t) => parse(t)));
  return {
    name: `from-compose: ${files.length} corpus files`,
    value,
    baseline,
    baselineName: "yaml parse only",
    unit: "ms",
    higherIsBetter: false,
  };
}

async function bigRow(): Promise<BenchRow> {
  const dir = mkdtempSync(join(tmpdir(), "chefer-bench-"));
  const file = join(dir, "compose.yaml");
  const text = generatedCompose(500);
  writeFileSync(file, text);
  try {
    const value = await timeMedian(
      5,
      async () =>
        void convertProject({ files: [file], cwd: dir, env: {}, publishAllInterfaces: true }),
    );
    const baseline = await timeMedian(5, async () => void parse(text));
    return {
      name: "from-compose: 500-service file",
      value,
      baseline,
      baselineName: "yaml parse only",
      unit: "ms",
      higherIsBetter: false,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchRow[]> {
  const rows = [await bigRow()];
  const corpus = await corpusRow();
  if (corpus) rows.push(corpus);
  return rows;
}
