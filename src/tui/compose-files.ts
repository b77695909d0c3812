import { readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** The names Docker Compose looks for, in the order it prefers them. */
export const COMPOSE_FILE_NAMES = [
  "compose.yaml",
  "compose.yml",
  "docker-compose.yaml",
  "docker-compose.yml",
] as const;

const MAX_DEPTH = 2;
const MAX_FILES = 20;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    // An unreadable directory holds nothing the wizard can offer.
    return [];
  }
}

function walk(dir: string, depth: number, out: string[]): void {
  const names = listDir(dir);
  for (const wanted of COMPOSE_FILE_NAMES) if (names.includes(wanted)) out.push(join(dir, wanted));
  if (depth >= MAX_DEPTH) return;
  for (const name of names) {
    if (out.length >= MAX_FILES) return;
    if (name.startsWith(".") || name === "node_modules") continue;
    const path = join(dir, name);
    if (isDirectory(path)) walk(path, depth + 1, out);
  }
}

/**
 * Finds compose files the wizard can offer: in `dir` itself, then up to two levels below it
 * (a checkout's examples/), skipping hidden directories and node_modules. Paths are relative
 * to `dir`, closest first.
 */
export function findComposeFiles(dir: string): string[] {
  const found: string[] = [];
  walk(dir, 0, found);
  const depth = (f: string) => f.split(sep).length;
  return found
    .map((f) => relative(dir, f))
    .sort((a, b) => depth(a) - depth(b))
    .slice(0, MAX_FILES);
}
