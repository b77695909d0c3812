/**
 * Images whose config or manifest.json is malformed, in every way a field can have the wrong
 * type: each is one clear error naming the archive and the field, never a crash, and no
 * executable is written.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildExecutable, plainRecipe, plainService } from "../../src/pack/index.js";
import { UserError } from "../../src/util/errors.js";
import { makeImage, tarOf } from "./support/images.js";

const image = await makeImage([{ "bin/a": "alpha" }]);
const good = JSON.parse(image.configBytes.toString()) as Record<string, unknown>;
const run = (over: Record<string, unknown>) => ({ ...good, config: { Cmd: ["/bin/a"], ...over } });
const saved = (over: Record<string, unknown>) => [
  { Config: "c.json", RepoTags: ["t:1"], Layers: ["0/layer.tar"], ...over },
];

interface Case {
  config?: unknown;
  raw?: string;
  manifest?: unknown;
  error: RegExp;
}

const cases: Record<string, Case> = {
  "a config that is not JSON": { raw: "{not json", error: /c\.json is not valid JSON/ },
  "a config that is null": { config: null, error: /the config is null, not a JSON object/ },
  "a config that is a list": { config: [1], error: /the config is a list, not a JSON object/ },
  "no rootfs": { config: { ...good, rootfs: undefined }, error: /rootfs is missing/ },
  "diff_ids as a string": {
    config: { ...good, rootfs: { type: "layers", diff_ids: "sha256:0" } },
    error: /rootfs\.diff_ids is a string, not a list of digests/,
  },
  "a diff_id that is a path": {
    config: { ...good, rootfs: { type: "layers", diff_ids: ["../../etc"] } },
    error: /rootfs\.diff_ids holds "\.\.\/\.\.\/etc", which is not a sha256 digest/,
  },
  "more diff_ids than layers": {
    config: { ...good, rootfs: { type: "layers", diff_ids: [image.diffIds[0], image.diffIds[0]] } },
    error: /lists 2 diff_ids for 1 layers/,
  },
  "Env as a string": { config: run({ Env: "PATH=/bin" }), error: /config\.Env is a string/ },
  "Cmd as a number": { config: run({ Cmd: 5 }), error: /config\.Cmd is a number/ },
  "Entrypoint as a mapping": {
    config: run({ Entrypoint: { a: 1 } }),
    error: /config\.Entrypoint is a mapping, not a list of strings/,
  },
  "a number in Cmd": { config: run({ Cmd: ["/bin/a", 1] }), error: /config\.Cmd is a list/ },
  "User as a number": { config: run({ User: 0 }), error: /config\.User is a number, not a string/ },
  "WorkingDir as a list": { config: run({ WorkingDir: ["/"] }), error: /config\.WorkingDir/ },
  "StopSignal as a number": { config: run({ StopSignal: 9 }), error: /config\.StopSignal/ },
  "ExposedPorts as a list": {
    config: run({ ExposedPorts: ["80/tcp"] }),
    error: /config\.ExposedPorts is a list, not a mapping/,
  },
  "a Healthcheck test as a string": {
    config: run({ Healthcheck: { Test: "curl x" } }),
    error: /config\.Healthcheck\.Test is a string/,
  },
  "a negative Healthcheck interval": {
    config: run({ Healthcheck: { Test: ["NONE"], Interval: -1 } }),
    error: /config\.Healthcheck\.Interval is a number, not a number of 0 or more/,
  },
  "architecture as a number": {
    config: { ...good, architecture: 5 },
    error: /architecture is a number/,
  },
  "manifest.json as a mapping": {
    manifest: { Config: "c.json" },
    error: /manifest\.json lists no image/,
  },
  "Layers as a string": {
    manifest: saved({ Layers: "0/layer.tar" }),
    error: /manifest\.json is malformed/,
  },
  "Config as a number": { manifest: saved({ Config: 5 }), error: /manifest\.json is malformed/ },
  "a layer path outside the archive": {
    manifest: saved({ Layers: ["../../etc/passwd"] }),
    error: /the archive has no \.\.\/\.\.\/etc\/passwd/,
  },
};

for (const [name, c] of Object.entries(cases)) {
  test(`refuses an image with ${name}, naming the archive, and writes nothing`, async () => {
    const dir = await mkdtemp(join(tmpdir(), "chefer-malformed-"));
    const config =
      c.raw ?? JSON.stringify(c.config === undefined && !("config" in c) ? good : c.config);
    await writeFile(
      join(dir, "img.tar"),
      await tarOf({
        "c.json": config,
        "0/layer.tar": image.blobs[0] as Buffer,
        "manifest.json": JSON.stringify(c.manifest ?? saved({})),
      }),
    );
    await writeFile(join(dir, "runtime"), "#!/bin/sh\n");
    const source = { source: "tar" as const, file: "img.tar", format: "auto" as const };
    const recipe = plainRecipe("m", [plainService("s", source)], {
      file: join(dir, "appcipe.yml"),
    });
    const out = join(dir, "out");
    await assert.rejects(
      buildExecutable({ recipe, target: "x86_64-linux", runtime: join(dir, "runtime"), out }),
      (e: unknown) => {
        assert.ok(e instanceof UserError, String(e));
        assert.match(e.message, new RegExp(`^${dir}/img\\.tar: `));
        assert.match(e.message, c.error);
        return true;
      },
    );
    assert.equal(existsSync(out), false);
  });
}
