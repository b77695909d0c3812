/**
 * Docker credential helpers: `credHelpers` and `credsStore` in the Docker config file name a
 * program that chefer asks for a registry's credentials, as docker does. The helpers here are
 * real executables speaking the helper protocol, and the registry is the real htpasswd one.
 */
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { BlobCache } from "../../src/pack/blob-cache.js";
import { pullImage } from "../../src/pack/sources/registry.js";
import { dockerArchive, makeImage } from "./support/images.js";
import { need, services, sh } from "./support/services.js";

const work = mkdtempSync(join(tmpdir(), "chefer-cred-helper-"));
const bin = join(work, "bin");
const ref = () => `${services.authRegistry}/chefer-test/helped:1`;

/** A helper that logs the server it was asked about and answers with `reply`, or fails. */
function writeHelper(name: string, reply: string, code = 0): string {
  const asked = join(work, `${name}.asked`);
  const script = `#!/bin/sh\n[ "$1" = get ] || exit 3\ncat > '${asked}'\nprintf '%s' '${reply}'\nexit ${code}\n`;
  const path = join(bin, `docker-credential-${name}`);
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return asked;
}

function configDir(config: object): string {
  const dir = mkdtempSync(join(work, "config-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  return dir;
}

async function pullWith(dockerConfig: string) {
  const saved = { ...process.env };
  process.env.DOCKER_CONFIG = dockerConfig;
  process.env.PATH = `${bin}${delimiter}${saved.PATH ?? ""}`;
  delete process.env.CHEFER_REGISTRY_AUTH;
  try {
    const cache = new BlobCache(mkdtempSync(join(work, "cache-")));
    return await pullImage(ref(), "linux/amd64", { cache });
  } finally {
    process.env.DOCKER_CONFIG = saved.DOCKER_CONFIG;
    process.env.PATH = saved.PATH;
    if (saved.DOCKER_CONFIG === undefined) delete process.env.DOCKER_CONFIG;
  }
}

before(async () => {
  if (!services.authRegistry) return;
  sh("mkdir", ["-p", bin]);
  const image = await makeImage([{ "hello.txt": "helped\n" }]);
  const archive = join(work, "image.tar");
  writeFileSync(archive, await dockerArchive(image));
  sh("skopeo", [
    "copy",
    "-q",
    "--dest-tls-verify=false",
    "--dest-creds",
    `${services.authUser}:${services.authPassword}`,
    `docker-archive:${archive}`,
    `docker://${ref()}`,
  ]);
});

test("pulls with the credentials of the helper credHelpers names for the registry", async (t) => {
  if (!need(t, "authRegistry")) return;
  const secret = JSON.stringify({ Username: services.authUser, Secret: services.authPassword });
  const asked = writeHelper("chefer-good", secret);
  const dir = configDir({
    credHelpers: { [services.authRegistry as string]: "chefer-good" },
    credsStore: "chefer-absent",
  });
  const image = await pullWith(dir);
  assert.equal(image.layers.length, 1);
  assert.equal(readFileSync(asked, "utf8"), services.authRegistry);
});

test("uses credsStore for every registry and names the helper when its credentials fail", async (t) => {
  if (!need(t, "authRegistry")) return;
  writeHelper("chefer-stale", JSON.stringify({ Username: services.authUser, Secret: "old" }));
  const dir = configDir({ credsStore: "chefer-stale" });
  await assert.rejects(
    pullWith(dir),
    /authentication to 127\.0\.0\.1:5001 failed \(using credentials from docker-credential-chefer-stale/,
  );
});

test("falls back to auths when the helper has no credentials for the registry", async (t) => {
  if (!need(t, "authRegistry")) return;
  writeHelper("chefer-empty", "credentials not found in native keychain", 1);
  const auth = Buffer.from(`${services.authUser}:${services.authPassword}`).toString("base64");
  const dir = configDir({
    credsStore: "chefer-empty",
    auths: { [services.authRegistry as string]: { auth } },
  });
  const image = await pullWith(dir);
  assert.equal(image.layers.length, 1);
});

test("pulls anonymously, and says so, when the named helper is not installed", async (t) => {
  if (!need(t, "authRegistry")) return;
  const dir = configDir({ credsStore: "chefer-not-installed" });
  await assert.rejects(pullWith(dir), /authentication to 127\.0\.0\.1:5001 failed \(anonymously\)/);
});
