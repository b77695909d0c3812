import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Platform } from "../../src/appcipe/types.js";
import { BlobCache } from "../../src/pack/blob-cache.js";
import { pullImage } from "../../src/pack/sources/registry.js";
import { parseRegistryRef } from "../../src/pack/sources/reference.js";
import { RegistryClient } from "../../src/pack/sources/registry-client.js";
import { makeImage } from "./support/images.js";
import { startMiniRegistry } from "./support/mini-registry.js";

async function tempCache(): Promise<BlobCache> {
  return new BlobCache(await mkdtemp(join(tmpdir(), "chefer-cache-")));
}

async function layerBytes(
  image: Awaited<ReturnType<typeof pullImage>>,
  i: number,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of await (
    image.layers[i] as { open(): Promise<AsyncIterable<Buffer>> }
  ).open())
    parts.push(c);
  return Buffer.concat(parts);
}

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  set(vars);
  return fn().finally(() => set(saved));
}

const noCreds = { CHEFER_REGISTRY_AUTH: undefined, DOCKER_CONFIG: "/nonexistent" };

test("pulls through the anonymous bearer-token flow and decompresses gzip layers", async () => {
  const image = await makeImage([{ a: "1" }, { b: "2" }], { compression: "gzip" });
  const reg = await startMiniRegistry("team/app", "1.0", [image]);
  const cache = await tempCache();
  try {
    const pulled = await withEnv(noCreds, () =>
      pullImage(`${reg.host}/team/app:1.0`, "linux/amd64", { cache }),
    );
    assert.deepEqual(
      pulled.layers.map((l) => l.diffId),
      image.diffIds,
    );
    assert.deepEqual(await layerBytes(pulled, 1), image.layers[1]);
    assert.equal(reg.tokenRequests[0]?.authorization, undefined);
    assert.equal(reg.tokenRequests[0]?.scope, "repository:team/app:pull");
    assert.equal(reg.tokenRequests[0]?.service, "mini");
  } finally {
    await reg.close();
  }
});

test("asks the token service with credentials from the Docker config file's auths", async () => {
  const image = await makeImage([{ a: "1" }]);
  const reg = await startMiniRegistry("team/app", "1.0", [image]);
  const dir = await mkdtemp(join(tmpdir(), "chefer-docker-config-"));
  const auth = Buffer.from("alice:pa:ss").toString("base64");
  await writeFile(join(dir, "config.json"), JSON.stringify({ auths: { [reg.host]: { auth } } }));
  try {
    await withEnv({ ...noCreds, DOCKER_CONFIG: dir }, async () =>
      pullImage(`${reg.host}/team/app:1.0`, "linux/amd64", { cache: await tempCache() }),
    );
    assert.equal(reg.tokenRequests[0]?.authorization, `Basic ${auth}`);
  } finally {
    await reg.close();
  }
});

test("per-registry credentials in CHEFER_REGISTRY_AUTH_<HOST> win over the global ones", async () => {
  const image = await makeImage([{ a: "1" }]);
  const reg = await startMiniRegistry("team/app", "1.0", [image]);
  const variable = `CHEFER_REGISTRY_AUTH_${reg.host.replace(/[.:]/g, "_")}`;
  try {
    await withEnv({ ...noCreds, CHEFER_REGISTRY_AUTH: "global:x", [variable]: "bob:y" }, async () =>
      pullImage(`${reg.host}/team/app:1.0`, "linux/amd64", { cache: await tempCache() }),
    );
    assert.equal(
      reg.tokenRequests[0]?.authorization,
      `Basic ${Buffer.from("bob:y").toString("base64")}`,
    );
  } finally {
    await reg.close();
  }
});

test("picks the target's platform from a multi-platform index and names the offered ones when it is missing", async () => {
  const arm = await makeImage([{ arm: "1" }], { arch: "arm64" });
  const amd = await makeImage([{ amd: "1" }], { arch: "amd64", compression: "zstd" });
  const both = await startMiniRegistry("team/app", "2", [amd, arm]);
  const armOnly = await startMiniRegistry("team/app", "3", [arm, arm]);
  try {
    const pull = (host: string, tag: string, want: Platform) =>
      withEnv(noCreds, async () =>
        pullImage(`${host}/team/app:${tag}`, want, { cache: await tempCache() }),
      );
    assert.deepEqual(
      (await pull(both.host, "2", "linux/arm64")).layers.map((l) => l.diffId),
      arm.diffIds,
    );
    const amdPulled = await pull(both.host, "2", "linux/amd64");
    assert.deepEqual(await layerBytes(amdPulled, 0), amd.layers[0]);
    await assert.rejects(
      pull(armOnly.host, "3", "linux/amd64"),
      /no image for linux\/amd64 \(the index offers: linux\/arm64, linux\/arm64\)/,
    );
  } finally {
    await both.close();
    await armOnly.close();
  }
});

test("refuses a blob whose bytes do not match its digest and keeps nothing of it", async () => {
  const image = await makeImage([{ a: "1" }], { compression: "gzip" });
  const reg = await startMiniRegistry("team/app", "1.0", [image]);
  const layerDigest = `sha256:${(await import("node:crypto"))
    .createHash("sha256")
    .update(image.blobs[0] as Buffer)
    .digest("hex")}`;
  reg.tamper(layerDigest, Buffer.from("not the layer"));
  const cache = await tempCache();
  try {
    await assert.rejects(
      withEnv(noCreds, () => pullImage(`${reg.host}/team/app:1.0`, "linux/amd64", { cache })),
      /hashes to sha256:[0-9a-f]+, not sha256:/,
    );
    assert.equal(await cache.has(layerDigest), false);
  } finally {
    await reg.close();
  }
});

test("references must be pinned, and Docker Hub names expand as Docker expands them", () => {
  assert.throws(() => parseRegistryRef("redis"), /names no tag or digest/);
  assert.throws(() => parseRegistryRef("redis:latest"), /the tag `latest` moves/);
  assert.deepEqual(
    { ...parseRegistryRef("redis:7.2") },
    {
      registry: "docker.io",
      apiHost: "registry-1.docker.io",
      repository: "library/redis",
      tag: "7.2",
      digest: undefined,
      text: "redis:7.2",
    },
  );
  const local = parseRegistryRef(`localhost:5000/a/b@sha256:${"a".repeat(64)}`);
  assert.deepEqual(
    [local.registry, local.repository, local.tag],
    ["localhost:5000", "a/b", undefined],
  );
});

test("a second pull by tag asks only for the tag's digest and downloads no blob", async () => {
  const image = await makeImage([{ a: "1" }, { b: "2" }], { compression: "gzip" });
  const reg = await startMiniRegistry("team/app", "1.0", [image]);
  const cache = await tempCache();
  try {
    await withEnv(noCreds, () => pullImage(`${reg.host}/team/app:1.0`, "linux/amd64", { cache }));
    reg.requests.length = 0;
    const again = await withEnv(noCreds, () =>
      pullImage(`${reg.host}/team/app:1.0`, "linux/amd64", { cache }),
    );
    assert.deepEqual(
      again.layers.map((l) => l.diffId),
      image.diffIds,
    );
    assert.deepEqual(
      reg.requests.filter((r) => r.startsWith("GET /v2/")),
      [],
    );
    assert.ok(reg.requests.includes("HEAD /v2/team/app/manifests/1.0"));
  } finally {
    await reg.close();
  }
});

test("uses plain http only for loopback registries and those named insecure", () => {
  const base = (ref: string, insecure?: string[]) =>
    new RegistryClient(parseRegistryRef(ref), { insecureRegistries: insecure }).base;
  assert.equal(base("127.0.0.1:5000/a:1"), "http://127.0.0.1:5000/v2/a");
  assert.equal(base("localhost/a:1"), "http://localhost/v2/a");
  assert.equal(base("registry.lan:5000/a:1"), "https://registry.lan:5000/v2/a");
  assert.equal(
    base("registry.lan:5000/a:1", ["registry.lan:5000"]),
    "http://registry.lan:5000/v2/a",
  );
  assert.equal(base("redis:7"), "https://registry-1.docker.io/v2/library/redis");
});
