/**
 * Faults the packer must survive (issue #8): a registry that drops the connection in the
 * middle of a blob, a Docker engine that goes away during an export, and a disk that fills
 * up during a build. Each ends in a clear error or a correct recovery; nothing half written is
 * left with a finished name, temporary files are removed, and an earlier build is kept.
 * SIGINT and SIGKILL during a build are tested in test/cli/build-interrupt.test.ts.
 */
import { after, before, describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ImageSource } from "../../src/appcipe/types.js";
import {
  buildExecutable,
  plainRecipe,
  plainService,
  readImageFile,
  type BuildOptions,
  type ResolvedImage,
} from "../../src/pack/index.js";
import { readBlob } from "../../src/pack/blob-reader.js";
import { readExecutable } from "../../src/pack/inspect.js";
import { runCli, type CliResult } from "../support/cli.js";
import { startCutProxy, type CutProxy, type CutRule, type Endpoint } from "./support/cut-proxy.js";
import { makeImage, ociLayoutFiles, sha256, tarOf, writeLayout } from "./support/images.js";
import { startMiniRegistry } from "./support/mini-registry.js";
import { need, services, sh } from "./support/services.js";

const MIB = 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), "chefer-faults-"));
const kitDir = join(work, "kit");
const runtime = join(kitDir, "chefer-runtime-x86_64-linux");
const repo = `chefer-test/faults`;
/** The image in the real registry, tagged per run so parallel runs do not meet. */
const pushed = `${repo}:${process.pid}`;
/** The image in the Docker engine, also per run. */
const tag = `chefer-test/faults:${process.pid}`;
/** A Dockerfile service, named so its build tag is this test's own. */
const builtService = "faults-build";
const buildSource: ImageSource = {
  source: "dockerfile",
  context: join(work, "ctx-steps"),
  file: "Dockerfile",
  buildArgs: {},
};
/** Matches blob requests; only the layer is large enough to be cut. */
const blobPath = /^GET \S*\/blobs\/sha256:/;
/** What the after hook closes and unmounts. */
const proxies: CutProxy[] = [];
const mounts: string[] = [];

/** One layer of 6 MiB of random bytes: it compresses to more than a 4 MiB disk holds. */
const image = await makeImage([{ "data.bin": randomBytes(6 * MIB) }], { compression: "none" });
const layerDigest = sha256(image.blobs[0] as Buffer);
const layoutDir = join(work, "layout");
const archive = join(work, "image.tar");
let pushedLayer = "";

before(async () => {
  mkdirSync(kitDir);
  writeFileSync(runtime, "#!/bin/sh\necho runtime\n");
  const files = ociLayoutFiles([image]);
  await writeLayout(layoutDir, files);
  writeFileSync(archive, await tarOf(files));
  if (services.registry) pushToRegistry();
  if (services.docker) buildInEngine();
});

after(async () => {
  for (const p of proxies) await p.close();
  for (const dir of mounts) spawnSync("umount", [dir]);
  const built = `chefer-build/${builtService}:latest`;
  if (services.docker) spawnSync("docker", ["-H", services.docker, "rmi", "-f", tag, built]);
  rmSync(work, { recursive: true, force: true });
});

/** Pushes the image; skopeo compresses the layer, so the registry's blob digest is its own. */
function pushToRegistry(): void {
  const dest = `docker://${services.registry}/${pushed}`;
  sh("skopeo", ["copy", "-q", "--dest-tls-verify=false", `oci:${layoutDir}`, dest]);
  const raw = sh("skopeo", ["inspect", "--raw", "--tls-verify=false", dest]);
  pushedLayer = (JSON.parse(raw) as { layers: { digest: string }[] }).layers[0]?.digest ?? "";
}

function buildInEngine(): void {
  const ctx = join(work, "ctx");
  mkdirSync(ctx);
  writeFileSync(join(ctx, "data.bin"), randomBytes(6 * MIB));
  writeFileSync(join(ctx, "Dockerfile"), "FROM scratch\nCOPY data.bin /\n");
  sh("docker", [
    "-H",
    services.docker as string,
    "build",
    "-q",
    "--network",
    "host",
    "-t",
    tag,
    ctx,
  ]);
}

async function proxied(target: Endpoint, rule: CutRule): Promise<CutProxy> {
  const listen =
    "path" in target ? { path: join(work, `engine-${proxies.length}.sock`) } : { port: 0 };
  const proxy = await startCutProxy(target, listen, rule);
  proxies.push(proxy);
  return proxy;
}

function registryPort(): { port: number } {
  return { port: Number((services.registry as string).split(":")[1]) };
}

function dir(name: string): string {
  const d = join(work, name);
  mkdirSync(d, { recursive: true });
  return d;
}

/** Builds a one-service recipe with the CLI, as a user would. */
async function cliBuild(
  name: string,
  source: ImageSource | ImageSource[],
  out: string,
  env: Record<string, string>,
) {
  const sources = Array.isArray(source) ? source : [source];
  const service = source === buildSource ? builtService : "web";
  const recipe = plainRecipe(
    "demo",
    sources.map((s, i) => plainService(i === 0 ? service : `${service}${i}`, s)),
    { file: join(work, "appcipe.yml") },
  );
  const recipeFile = join(work, `${name}.json`);
  writeFileSync(recipeFile, JSON.stringify(recipe));
  const args = ["build", recipeFile, "--out", out, "--kit-dir", kitDir, "--target", "x86_64-linux"];
  return runCli(args, { env });
}

/** Packs a one-service recipe in process and returns the blob bytes of its one layer. */
async function packFrom(ref: string, cacheDir: string, idleTimeoutMs?: number): Promise<Buffer> {
  const out = join(dir("packed"), `${Date.now()}`);
  await packTo(out, { source: "image", ref }, { cacheDir, idleTimeoutMs });
  return layerOf(out, image.diffIds[0] as string);
}

function packTo(out: string, source: ImageSource, o: Partial<BuildOptions>) {
  const recipe = plainRecipe("demo", [plainService("web", source)], {
    file: join(work, "appcipe.yml"),
  });
  return buildExecutable({ recipe, target: "x86_64-linux", runtime, out, ...o });
}

/** A layer read back from an executable, with every check the runtime makes. */
async function layerOf(exe: string, diffId: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of readBlob(await readExecutable(exe), diffId)) parts.push(part);
  return Buffer.concat(parts);
}

function leftovers(path: string): string[] {
  return readdirSync(path, { recursive: true }).map(String);
}

/** The unfinished downloads under a blob cache. */
function partials(cache: string): string[] {
  return leftovers(cache).filter((f) => f.endsWith(".partial"));
}

function assertFailure(r: CliResult, pattern: RegExp): void {
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, pattern);
  assert.match(r.stderr, /\n {2}fix: \S/);
  assert.equal(r.stdout, "");
}

/** Mounts a small tmpfs, or skips: only root may mount. */
function smallDisk(t: TestContext, name: string, size: string): string | undefined {
  if (process.getuid?.() !== 0) {
    t.skip("needs root to mount a small tmpfs");
    return undefined;
  }
  const d = dir(name);
  sh("mount", ["-t", "tmpfs", "-o", `size=${size}`, "none", d]);
  mounts.push(d);
  return d;
}

describe("a registry that drops the connection mid-blob", () => {
  test("resumes the blob with a Range request and packs the image", async (t) => {
    if (!need(t, "registry")) return;
    const proxy = await proxied(registryPort(), { match: blobPath, afterBytes: MIB, times: 1 });
    const layer = await packFrom(`${proxy.address}/${pushed}`, dir("cache-resume"));
    assert.equal(proxy.cuts, 1);
    assert.deepEqual(layer, image.layers[0]);
    assert.ok(proxy.requests.some((r) => /blobs\/sha256:[^]*\r\nrange: bytes=[1-9]\d*-/i.test(r)));
    assert.deepEqual(partials(dir("cache-resume")), []);
  });

  test("abandons a download that stalls, and resumes it", async (t) => {
    if (!need(t, "registry")) return;
    const rule = { match: blobPath, afterBytes: MIB, times: 1, stall: true };
    const proxy = await proxied(registryPort(), rule);
    const layer = await packFrom(`${proxy.address}/${pushed}`, dir("cache-stall"), 300);
    assert.equal(proxy.cuts, 1);
    assert.deepEqual(layer, image.layers[0]);
    assert.ok(proxy.requests.some((r) => /\r\nrange: bytes=[1-9]\d*-/i.test(r)));
  });

  test("starts the blob over when the registry ignores Range", async (t) => {
    const mini = await startMiniRegistry(repo, "1", [image]);
    t.after(() => mini.close());
    const port = Number(mini.host.split(":")[1]);
    const proxy = await proxied({ port }, { match: blobPath, afterBytes: 2 * MIB, times: 2 });
    const layer = await packFrom(`${proxy.address}/${repo}:1`, dir("cache-over"));
    assert.equal(proxy.cuts, 2);
    assert.equal(
      mini.requests.filter((r) => r === `GET /v2/${repo}/blobs/${layerDigest}`).length,
      3,
    );
    assert.deepEqual(layer, image.layers[0]);
  });

  test("gives up after every attempt is cut, naming the image, blob and registry, and leaves no file", async (t) => {
    if (!need(t, "registry")) return;
    const proxy = await proxied(registryPort(), {
      match: blobPath,
      afterBytes: MIB,
      times: Infinity,
    });
    const ref = `${proxy.address}/${pushed}`;
    const [out, cache] = [dir("out-cut"), dir("cache-cut")];
    const r = await cliBuild("cut", { source: "image", ref }, out, { XDG_CACHE_HOME: cache });
    assertFailure(
      r,
      new RegExp(`${ref}: cannot download blob ${pushedLayer} from ${proxy.address}`),
    );
    assert.match(
      r.stderr,
      /the connection was cut after \d+ of \d+ bytes .*; gave up after 4 attempts/,
    );
    assert.equal(proxy.cuts, 4);
    assert.deepEqual(leftovers(out), []);
    assert.deepEqual(partials(cache), []);
  });

  test("a blob damaged on the way is refused and nothing of it is kept", async (t) => {
    if (!need(t, "registry")) return;
    const rule = { match: blobPath, afterBytes: MIB, times: 1, flip: true };
    const proxy = await proxied(registryPort(), rule);
    const ref = `${proxy.address}/${pushed}`;
    const [out, cache] = [dir("out-flip"), dir("cache-flip")];
    const r = await cliBuild("flip", { source: "image", ref }, out, { XDG_CACHE_HOME: cache });
    assertFailure(r, new RegExp(`hashes to sha256:[0-9a-f]{64}, not ${pushedLayer}`));
    assert.equal(proxy.cuts, 1);
    assert.deepEqual(leftovers(out), []);
    assert.equal(existsSync(join(cache, "chefer", "blobs", "sha256", pushedLayer.slice(7))), false);
    assert.deepEqual(partials(cache), []);
  });
});

describe("a blob cache that a fault left behind", () => {
  test("removes downloads a killed build left an hour ago, and keeps recent ones", async () => {
    const mini = await startMiniRegistry(repo, "1", [image]);
    const cache = dir("cache-stale");
    const partial = (n: string) => join(cache, "sha256", `${"a".repeat(64)}.1.2.${n}.partial`);
    mkdirSync(join(cache, "sha256"));
    writeFileSync(partial("old"), "cut");
    writeFileSync(partial("new"), "in progress");
    const twoHoursAgo = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(partial("old"), twoHoursAgo, twoHoursAgo);
    try {
      await packFrom(`${mini.host}/${repo}:1`, cache);
    } finally {
      await mini.close();
    }
    assert.equal(existsSync(partial("old")), false);
    assert.equal(existsSync(partial("new")), true);
  });

  test("removes the damaged copy and downloads the blob again", async (t) => {
    const mini = await startMiniRegistry(repo, "1", [image]);
    t.after(() => mini.close());
    const [ref, cache] = [`${mini.host}/${repo}:1`, dir("cache-damaged")];
    await packFrom(ref, cache);
    const cached = join(cache, "sha256", layerDigest.slice(7));
    const bytes = readFileSync(cached);
    bytes[MIB] = (bytes[MIB] as number) ^ 0xff;
    writeFileSync(cached, bytes);
    const layer = await packFrom(ref, cache);
    assert.deepEqual(layer, image.layers[0]);
    assert.equal(
      mini.requests.filter((r) => r === `GET /v2/${repo}/blobs/${layerDigest}`).length,
      2,
    );
    assert.deepEqual(readFileSync(cached), image.blobs[0]);
  });
});

describe("a Docker engine that goes away mid-export", () => {
  test("says the engine closed the connection and removes the spooled export", async (t) => {
    if (!need(t, "docker")) return;
    const socket = { path: (services.docker as string).replace(/^unix:\/\//, "") };
    const proxy = await proxied(socket, {
      match: /\/images\/\S+\/get /,
      afterBytes: MIB,
      times: 1,
    });
    const [out, spool] = [dir("out-engine"), dir("tmp-engine")];
    const env = { DOCKER_HOST: `unix://${proxy.address}`, TMPDIR: spool };
    const r = await cliBuild("engine", { source: "docker", ref: tag }, out, env);
    assertFailure(r, new RegExp(`the Docker engine closed the connection while exporting ${tag}`));
    assert.equal(proxy.cuts, 1);
    assert.deepEqual(leftovers(out), []);
    assert.deepEqual(leftovers(spool), []);
  });

  test("says the engine closed the connection during a Dockerfile build and packs nothing", async (t) => {
    if (!need(t, "docker")) return;
    const socket = { path: (services.docker as string).replace(/^unix:\/\//, "") };
    const proxy = await proxied(socket, { match: /^POST \S*\/build\?/, afterBytes: 500, times: 1 });
    const context = buildSource.context;
    mkdirSync(context);
    writeFileSync(join(context, "a"), "a\n");
    const steps = ["FROM scratch", ...Array.from({ length: 6 }, (_, i) => `COPY a /a${i}`)];
    writeFileSync(join(context, "Dockerfile"), `${steps.join("\n")}\n`);
    const out = dir("out-build");
    const r = await cliBuild("build", buildSource, out, { DOCKER_HOST: `unix://${proxy.address}` });
    const said = `the Docker engine closed the connection while building service ${builtService}`;
    assertFailure(r, new RegExp(said));
    assert.equal(proxy.cuts, 1);
    assert.deepEqual(leftovers(out), []);
  });

  test("removes the export of an earlier service when a later one fails", async (t) => {
    if (!need(t, "docker")) return;
    const [out, spool] = [dir("out-second"), dir("tmp-second")];
    const absent: ImageSource = { source: "docker", ref: "chefer-test/absent:1" };
    const r = await cliBuild("second", [{ source: "docker", ref: tag }, absent], out, {
      DOCKER_HOST: services.docker as string,
      TMPDIR: spool,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /the Docker engine has no image chefer-test\/absent:1/);
    assert.deepEqual(leftovers(spool), []);
    assert.deepEqual(leftovers(out), []);
  });

  test("says the engine is unreachable when DOCKER_HOST names no engine", async () => {
    const env = { DOCKER_HOST: `unix://${join(work, "no-engine.sock")}`, TMPDIR: dir("tmp-none") };
    const r = await cliBuild("none", { source: "docker", ref: tag }, dir("out-none"), env);
    assertFailure(r, /the Docker engine is unreachable \(ENOENT\)/);
    assert.deepEqual(leftovers(dir("out-none")), []);
  });
});

test("an image archive cut short is called truncated, and nothing is written", async () => {
  const cut = join(work, "cut.tar");
  writeFileSync(cut, readFileSync(archive).subarray(0, 3 * MIB));
  const out = dir("out-truncated");
  const r = await cliBuild("truncated", { source: "tar", file: cut, format: "auto" }, out, {});
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`${cut}: the archive is truncated: blobs/sha256/\\w+ ends at`));
  assert.match(r.stderr, /\n {2}fix: copy or export the archive again/);
  assert.deepEqual(leftovers(out), []);
});

describe("two builds of the same output at once", () => {
  test("the later build's file is never mixed with the earlier one's, which stops", async () => {
    const small = await makeImage([{ "small.txt": "the second build" }], { compression: "none" });
    const smallArchive = join(work, "small.tar");
    writeFileSync(smallArchive, await tarOf(ociLayoutFiles([small])));
    const out = join(dir("out-twice"), "demo");
    const gate = held(await readImageFile(archive, "auto", "linux/amd64"));
    const first = packTo(
      out,
      { source: "tar", file: archive, format: "auto" },
      {
        images: new Map([["web", gate.image]]),
      },
    );
    first.catch(() => {});
    await grown(`${out}.partial`, 0);
    await packTo(out, { source: "tar", file: smallArchive, format: "auto" }, {});
    gate.open();
    await assert.rejects(first, /another build wrote \S+ at the same time/);
    assert.deepEqual(await layerOf(out, small.diffIds[0] as string), small.layers[0]);
    assert.deepEqual(leftovers(dir("out-twice")), ["demo"]);
  });
});

/** An image whose layers cannot be read until `open` is called: a build held mid-write. */
function held(image: ResolvedImage): { image: ResolvedImage; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  const layers = image.layers.map((l) => ({ ...l, open: () => opened.then(() => l.open()) }));
  return { image: { ...image, layers }, open };
}

/** Waits until a file being written is larger than `size`. */
async function grown(path: string, size: number): Promise<void> {
  const end = Date.now() + 20_000;
  while (((await stat(path).catch(() => undefined))?.size ?? 0) <= size) {
    if (Date.now() > end) throw new Error(`${path} did not grow past ${size} bytes`);
    await sleep(10);
  }
}

describe("a disk that fills up during a build", () => {
  test("the output disk: says it is full and where, and keeps the earlier build", async (t) => {
    const out = smallDisk(t, "out-full", "4m");
    if (!out) return;
    const earlier = join(out, "demo-x86_64-linux");
    writeFileSync(earlier, "the earlier build\n");
    const source: ImageSource = { source: "tar", file: archive, format: "auto" };
    const r = await cliBuild("full", source, out, {});
    const said = `cannot write the executable ${earlier}: the disk is full \\(ENOSPC: no space left in ${out}\\)`;
    assertFailure(r, new RegExp(said));
    assert.match(r.stderr, new RegExp(`fix: free space on the filesystem of ${out}`));
    assert.equal(readFileSync(earlier, "utf8"), "the earlier build\n");
    assert.deepEqual(leftovers(out), ["demo-x86_64-linux"]);
  });

  test("the temporary directory: says the export does not fit in TMPDIR and removes it", async (t) => {
    if (!need(t, "docker")) return;
    const spool = smallDisk(t, "tmp-full", "4m");
    if (!spool) return;
    const out = dir("out-tmp-full");
    const r = await cliBuild("tmp-full", { source: "docker", ref: tag }, out, {
      DOCKER_HOST: services.docker as string,
      TMPDIR: spool,
    });
    const said = `cannot write the export of ${tag} to ${spool}/chefer-export-\\w+/image.tar: the disk is full \\(ENOSPC: no space left in ${spool}\\)`;
    assertFailure(r, new RegExp(said));
    assert.match(r.stderr, /point TMPDIR at a filesystem with room/);
    assert.deepEqual(leftovers(spool), []);
    assert.deepEqual(leftovers(out), []);
  });

  test("a TMPDIR that does not exist is named, with the fix", async (t) => {
    if (!need(t, "docker")) return;
    const missing = join(work, "no-such-tmp");
    const r = await cliBuild("no-tmp", { source: "docker", ref: tag }, dir("out-no-tmp"), {
      DOCKER_HOST: services.docker as string,
      TMPDIR: missing,
    });
    assertFailure(
      r,
      new RegExp(
        `cannot write the export of ${tag} to \\S+: ${missing} does not exist \\(ENOENT\\)`,
      ),
    );
    assert.match(r.stderr, new RegExp(`fix: create ${missing}, or point TMPDIR at`));
  });

  test("the blob cache: says the pulled blob does not fit and keeps no part of it", async (t) => {
    if (!need(t, "registry")) return;
    const cache = smallDisk(t, "cache-full", "4m");
    if (!cache) return;
    const out = dir("out-cache-full");
    const ref = `${services.registry}/${pushed}`;
    const r = await cliBuild("cache-full", { source: "image", ref }, out, {
      XDG_CACHE_HOME: cache,
    });
    const said = `cannot write blob ${pushedLayer} into the blob cache: the disk is full \\(ENOSPC: no space left in ${cache}/chefer/blobs\\)`;
    assertFailure(r, new RegExp(said));
    assert.match(r.stderr, /point XDG_CACHE_HOME at a filesystem with room/);
    assert.deepEqual(partials(cache), []);
    assert.deepEqual(leftovers(out), []);
  });
});
