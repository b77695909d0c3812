import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { convertProject, type ConvertOptions } from "../../src/convert/index.js";
import { formatDiagnostic, type Diagnostic } from "../../src/convert/diagnostics.js";
import { UserError } from "../../src/util/errors.js";
import { corpusDir, fixturesDir, needShared } from "./support.js";

const goldenDir = fileURLToPath(new URL("../golden/convert", import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";

/** Corpus projects whose conversion is pinned down: a recipe, or the errors that stop it. */
const CORPUS = [
  "awesome-compose/nextcloud-redis-mariadb",
  "awesome-compose/postgresql-pgadmin",
  "awesome-compose/prometheus-grafana",
  "awesome-compose/wireguard",
  "awesome-compose/gitea-postgres",
  "awesome-compose/react-express-mysql",
  "casaos-appstore/Apps/Jellyfin",
  "casaos-appstore/Apps/Jenkin",
  "casaos-appstore/Apps/WeKnora",
];

interface Rendered {
  recipe: string;
  diagnostics: string;
}

function render(options: ConvertOptions, base: string): Rendered {
  const lines = (ds: Diagnostic[]) => ds.map((d) => `${formatDiagnostic(d, base)}\n`).join("");
  try {
    const r = convertProject({ env: {}, ...options });
    return { recipe: r.text, diagnostics: lines(r.diagnostics) };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return { recipe: "", diagnostics: lines(error.problems) };
  }
}

function compare(name: string, actual: Rendered): void {
  const dir = join(goldenDir, name);
  const files: [string, string][] = [
    ["appcipe.yml", actual.recipe],
    ["diagnostics.txt", actual.diagnostics],
  ];
  if (update) mkdirSync(dir, { recursive: true });
  for (const [file, text] of files) {
    const path = join(dir, file);
    if (update) writeFileSync(path, text);
    assert.ok(existsSync(path), `${path} is missing; run with UPDATE_GOLDEN=1 to create it`);
    assert.equal(text, readFileSync(path, "utf8"), `${name}/${file} differs from the golden file`);
  }
}

for (const project of CORPUS) {
  test(`converts the corpus project ${project} as the golden files say`, (t) => {
    const dir = join(corpusDir, project);
    if (!needShared(t, dir)) return;
    compare(`corpus/${project.split("/").pop() as string}`, render({ cwd: dir }, dir));
  });
}

test("converts compose-go's full example as the golden files say", (t) => {
  const dir = join(fixturesDir, "loader");
  if (!needShared(t, dir)) return;
  const env = { HOME: "/home/user", QUX: "qux_from_environment", FOO: "foo_from_environment" };
  compare("full-example", render({ cwd: dir, files: ["full-example.yml"], env }, dir));
});

const casesDir = join(goldenDir, "cases");
for (const name of existsSync(casesDir) ? readdirSync(casesDir).sort() : []) {
  test(`converts the case ${name} as the golden files say`, () => {
    const input = join(casesDir, name, "input");
    const flags = existsSync(join(input, "flags.json"))
      ? (JSON.parse(readFileSync(join(input, "flags.json"), "utf8")) as ConvertOptions)
      : {};
    compare(`cases/${name}`, render({ cwd: input, ...flags }, input));
  });
}
