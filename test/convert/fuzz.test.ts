import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { convertProject } from "../../src/convert/index.js";
import { UserError } from "../../src/util/errors.js";
import { corpusDir, fixturesDir, needShared, project } from "./support.js";

const ROUNDS = Number(process.env.CHEFER_FUZZ_ROUNDS ?? 300);
const SNIPPETS = [
  ":",
  "- ",
  "{",
  "}",
  "[",
  "]",
  "&a ",
  "*a",
  "<<: *a",
  "!reset ",
  "!override ",
  "$",
  "${",
  "${X:?}",
  "\t",
  "\n",
  "  ",
  "'",
  '"',
  "#",
  "? ",
  "|",
  ">",
  "null",
  "~",
  "0x1F",
  "1e9",
  "---\n",
  "%YAML 1.1\n",
];

/** A small deterministic generator, so a failure can be replayed from its round number. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mutate(text: string, next: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(next() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * (out.length + 1));
    const kind = next();
    if (kind < 0.4)
      out =
        out.slice(0, at) +
        (SNIPPETS[Math.floor(next() * SNIPPETS.length)] as string) +
        out.slice(at);
    else if (kind < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(next() * 12));
    else if (kind < 0.85) out = out.slice(0, at);
    else out = out.slice(0, at) + out.slice(at).replace(/^ +/, "");
  }
  return out;
}

const SEEDS = [
  join(corpusDir, "awesome-compose", "nextcloud-redis-mariadb", "compose.yaml"),
  join(corpusDir, "awesome-compose", "gitea-postgres", "compose.yaml"),
  join(corpusDir, "casaos-appstore", "Apps", "Jellyfin", "docker-compose.yml"),
  join(fixturesDir, "loader", "full-example.yml"),
];

test("malformed and mutated compose files fail with located errors, never with a crash", (t) => {
  if (!needShared(t)) return;
  const dir = project(t, {});
  const file = join(dir, "compose.yaml");
  const next = random(42);
  for (let round = 0; round < ROUNDS; round++) {
    const seed = readFileSync(SEEDS[round % SEEDS.length] as string, "utf8");
    writeFileSync(file, mutate(seed, next));
    try {
      convertProject({ files: [file], cwd: dir, env: {} });
    } catch (error) {
      assert.ok(
        error instanceof UserError,
        `round ${round}: ${String(error)}\n${readFileSync(file, "utf8")}`,
      );
    }
  }
});

test("an alias bomb is refused instead of exhausting memory", (t) => {
  const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 9; i++)
    lines.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(", ")}]`,
    );
  const dir = project(t, {
    "compose.yaml": `x-bomb:\n${lines.map((l) => `  ${l}`).join("\n")}\nservices: {}\n`,
  });
  assert.throws(
    () => convertProject({ cwd: dir, env: {} }),
    (e: unknown) =>
      e instanceof UserError && e.problems.some((p) => p.code === "compose/yaml-structure"),
  );
});

const ODD_VALUES: unknown[] = [
  "x",
  "80:80",
  0,
  -1,
  1.5,
  true,
  null,
  [],
  {},
  ["a", 1, null],
  { target: "/x", source: "v", type: "npipe" },
  "0755",
  "${X:-y}",
  "/abs",
  "./rel",
  "a=b",
];

test("service keys holding values of unexpected shapes fail with located errors, never with a crash", (t) => {
  const full = join(fixturesDir, "loader", "full-example.yml");
  if (!needShared(t, full)) return;
  const example = (
    parse(readFileSync(full, "utf8")) as { services: { foo: Record<string, unknown> } }
  ).services.foo;
  const keys = Object.keys(example);
  const next = random(7);
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)] as T;
  const dir = project(t, {});
  for (let round = 0; round < ROUNDS; round++) {
    const service: Record<string, unknown> = { image: "a:1" };
    for (let k = 0; k < 4; k++) service[pick(keys)] = pick(ODD_VALUES);
    const doc = {
      services: { s: service, t: { image: "b:1" } },
      volumes: { v: {} },
      configs: { c: { content: "x" } },
    };
    writeFileSync(join(dir, "compose.yaml"), stringify(doc));
    try {
      convertProject({ cwd: dir, env: {} });
    } catch (error) {
      assert.ok(
        error instanceof UserError,
        `round ${round}: ${String(error)}\n${stringify(service)}`,
      );
    }
  }
});
