import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findComposeFiles } from "../../src/tui/compose-files.js";

function tree(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), "chefer-compose-files-"));
  for (const f of files) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), "services: {}\n");
  }
  return root;
}

test("lists compose files closest first, in Compose's order of preference", () => {
  const root = tree([
    "examples/demo/compose.yaml",
    "docker-compose.yml",
    "compose.yaml",
    "app/docker-compose.yaml",
    "README.md",
  ]);
  try {
    assert.deepEqual(findComposeFiles(root), [
      "compose.yaml",
      "docker-compose.yml",
      "app/docker-compose.yaml",
      "examples/demo/compose.yaml",
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("skips hidden directories, node_modules and anything deeper than two levels", () => {
  const root = tree([".git/compose.yaml", "node_modules/x/compose.yaml", "a/b/c/compose.yaml"]);
  try {
    assert.deepEqual(findComposeFiles(root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("finds nothing in a directory that does not exist", () => {
  assert.deepEqual(findComposeFiles(join(tmpdir(), "chefer-no-such-dir-4711")), []);
});
