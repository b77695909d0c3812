import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./lib.js";

/** Runs every bench/*.bench.ts (or those named on the command line) and prints one table. */
async function main(): Promise<void> {
  const dir = fileURLToPath(new URL(".", import.meta.url));
  const only = process.argv.slice(2);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const rows: BenchRow[] = [];
  for (const file of files) {
    process.stderr.write(`running ${file}\n`);
    const mod = (await import(new URL(file, import.meta.url).href)) as {
      run: () => Promise<BenchRow[]>;
    };
    try {
      rows.push(...(await mod.run()));
    } catch (error) {
      process.stderr.write(`${file} failed: ${String(error)}\n`);
    }
  }
  process.stdout.write(renderTable(rows));
}

function renderTable(rows: BenchRow[]): string {
  const lines = ["| benchmark | chefer | baseline | ratio |", "|---|---|---|---|"];
  for (const r of rows) {
    const base =
      r.baseline === undefined ? "" : `${fmt(r.baseline)} ${r.unit} (${r.baselineName ?? ""})`;
    const ratio = r.baseline === undefined ? "" : ratioText(r);
    lines.push(`| ${r.name} | ${fmt(r.value)} ${r.unit} | ${base} | ${ratio} |`);
  }
  return `${lines.join("\n")}\n`;
}

function ratioText(r: BenchRow): string {
  const x = r.value / (r.baseline as number);
  return `${x.toFixed(2)}x ${r.higherIsBetter ? "(higher is better)" : "(lower is better)"}`;
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(2);
}

await main();
