import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImageSource } from "../../src/appcipe/types.js";
import {
  buildExecutable,
  plainRecipe,
  plainService,
  readExecutable,
} from "../../src/pack/index.js";
import { readBlob } from "../../src/pack/blob-reader.js";
import { indexTar } from "../../src/pack/sources/tar-index.js";
import { runCli } from "../support/cli.js";
import { need, services, sh } from "./support/services.js";

const work = mkdtempSync(join(tmpdir(), "chefer-sources-"));
const runtime = join(work, "runtime");
const tag = `chefer-test/busybox:${process.pid}`;
let pushedDigest = "";

function docker(...args: string[]): string {
  return sh("docker", ["-H", services.docker as string, ...args]);
}

/** A Dockerfile FROM scratch with busybox and a file, in two layers. */
function writeContext(): string {
  const ctx = join(work, "ctx");
  mkdirSync(join(ctx, "bin"), { recursive: true });
  copyFileSync("/bin/busybox", join(ctx, "bin", "busybox"));
  for (const name of ["sh", "ls", "cat"]) symlinkSync("busybox", join(ctx, "bin", name));
  writeFileSync(join(ctx, "hello.txt"), "hello from chefer\n");
  writeFileSync(
    join(ctx, "Dockerfile"),
    'FROM scratch\nCOPY bin/ /bin/\nCOPY hello.txt /\nCMD ["/bin/sh"]\n',
  );
  return ctx;
}

before(() => {
  writeFileSync(runtime, "#!/bin/sh\n");
  if (!services.docker || !services.registry) return;
  docker("build", "--network", "host", "-t", tag, writeContext());
  docker("save", "-o", join(work, "saved.tar"), tag);
  sh("skopeo", [
    "copy",
    "-q",
    `docker-archive:${join(work, "saved.tar")}`,
    `oci:${join(work, "layout")}:busybox`,
  ]);
  sh("skopeo", [
    "copy",
    "-q",
    "--dest-tls-verify=false",
    `docker-archive:${join(work, "saved.tar")}`,
    `docker://${services.registry}/chefer-test/busybox:1`,
  ]);
  pushedDigest = sh("skopeo", [
    "inspect",
    "--tls-verify=false",
    "--format",
    "{{.Digest}}",
    `docker://${services.registry}/chefer-test/busybox:1`,
  ]).trim();
});

after(() => {
  if (services.docker) docker("rmi", "-f", tag, "chefer-build/box:latest");
});

async function pack(name: string, image: ImageSource, options: { cacheDir?: string } = {}) {
  const prevHost = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = services.docker;
  try {
    const recipe = plainRecipe("busy", [plainService("box", image)], {
      file: join(work, "appcipe.yml"),
    });
    return await buildExecutable({
      recipe,
      target: "x86_64-linux",
      runtime,
      out: join(work, name),
      cacheDir: options.cacheDir ?? join(work, "cache"),
    });
  } finally {
    if (prevHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = prevHost;
  }
}

test("a docker save tar, an OCI layout, a registry pull and an engine export carry the same layer digests", async (t) => {
  if (!need(t, "docker", "registry")) return;
  const built = [
    await pack("from-save", { source: "tar", file: join(work, "saved.tar"), format: "auto" }),
    await pack("from-layout", { source: "tar", file: join(work, "layout"), format: "auto" }),
    await pack("from-registry", {
      source: "image",
      ref: `${services.registry}/chefer-test/busybox:1`,
    }),
    await pack("from-engine", { source: "docker", ref: tag }),
  ];
  const layers = built.map((b) => b.manifest.services[0]?.layers);
  assert.equal(layers[0]?.length, 2);
  for (const l of layers.slice(1)) assert.deepEqual(l, layers[0]);
  for (const b of built) {
    const r = await runCli(["inspect", b.path]);
    assert.equal(r.code, 0, r.stderr);
    for (const d of layers[0] ?? []) assert.match(r.stdout, new RegExp(d));
  }
});

test("builds a service's Dockerfile in the engine and packs the result", async (t) => {
  if (!need(t, "docker")) return;
  const ctx = join(work, "ctx");
  const built = await pack("from-dockerfile", {
    source: "dockerfile",
    context: ctx,
    file: "Dockerfile",
    buildArgs: {},
  });
  assert.equal(built.manifest.services[0]?.layers.length, 2);
  assert.deepEqual(built.manifest.services[0]?.cmd, ["/bin/sh"]);
});

test("a second pull of a pinned image downloads nothing", async (t) => {
  if (!need(t, "registry")) return;
  const cacheDir = join(work, "cache-second");
  const ref = `chefer-test/busybox@${pushedDigest}`;
  const first = await pack(
    "pull-1",
    { source: "image", ref: `${services.registry}/${ref}` },
    { cacheDir },
  );
  // Nothing listens on port 9; only a fully cached pull can succeed.
  const second = await pack("pull-2", { source: "image", ref: `127.0.0.1:9/${ref}` }, { cacheDir });
  assert.deepEqual(second.manifest.blobs, first.manifest.blobs);
});

test("pulls from a registry with htpasswd auth using CHEFER_REGISTRY_AUTH, and says when auth fails", async (t) => {
  if (!need(t, "authRegistry", "registry")) return;
  const dest = `docker://${services.authRegistry}/chefer-test/busybox:1`;
  const creds = `${services.authUser}:${services.authPassword}`;
  sh("skopeo", [
    "copy",
    "-q",
    "--dest-tls-verify=false",
    "--dest-creds",
    creds,
    `docker-archive:${join(work, "saved.tar")}`,
    dest,
  ]);
  const ref = `${services.authRegistry}/chefer-test/busybox:1`;
  const cacheDir = join(work, "cache-auth");
  delete process.env.CHEFER_REGISTRY_AUTH;
  await assert.rejects(
    pack("auth-none", { source: "image", ref }, { cacheDir }),
    /authentication to 127\.0\.0\.1:5001 failed \(anonymously\)/,
  );
  process.env.CHEFER_REGISTRY_AUTH = `${services.authUser}:wrong`;
  await assert.rejects(
    pack("auth-bad", { source: "image", ref }, { cacheDir }),
    /failed \(using credentials from CHEFER_REGISTRY_AUTH\)/,
  );
  process.env.CHEFER_REGISTRY_AUTH = creds;
  try {
    const built = await pack("auth-ok", { source: "image", ref }, { cacheDir });
    assert.equal(built.manifest.services[0]?.layers.length, 2);
  } finally {
    delete process.env.CHEFER_REGISTRY_AUTH;
  }
});

test("names unknown tags, unpinned references and images missing from the engine", async (t) => {
  if (!need(t, "registry", "docker")) return;
  await assert.rejects(
    pack("unknown", { source: "image", ref: `${services.registry}/chefer-test/busybox:9.9` }),
    /has no tag "9\.9" for chefer-test\/busybox/,
  );
  await assert.rejects(
    pack("latest", { source: "image", ref: `${services.registry}/chefer-test/busybox:latest` }),
    /the tag `latest` moves/,
  );
  await assert.rejects(
    pack("untagged", { source: "image", ref: "busybox" }),
    /it names no tag or digest/,
  );
  await assert.rejects(
    pack("absent", { source: "docker", ref: "chefer-test/absent:1" }),
    /the Docker engine has no image chefer-test\/absent:1/,
  );
});

test("a Dockerfile build honours the target stage and build args", async (t) => {
  if (!need(t, "docker")) return;
  const ctx = join(work, "ctx");
  writeFileSync(
    join(ctx, "Staged.dockerfile"),
    "FROM scratch AS one\nARG SRC\nCOPY ${SRC} /from-arg\nFROM scratch AS two\nCOPY bin/ /bin/\n",
  );
  const image: ImageSource = {
    source: "dockerfile",
    context: ctx,
    file: "Staged.dockerfile",
    buildArgs: { SRC: "hello.txt" },
    target: "one",
  };
  const built = await pack("staged", image);
  const layers = built.manifest.services[0]?.layers ?? [];
  assert.equal(layers.length, 1);
  const tarPath = join(work, "staged-layer.tar");
  const parts: Buffer[] = [];
  for await (const b of readBlob(await readExecutable(built.path), layers[0] as string))
    parts.push(b);
  writeFileSync(tarPath, Buffer.concat(parts));
  assert.deepEqual([...(await indexTar(tarPath)).keys()], ["from-arg"]);
});
