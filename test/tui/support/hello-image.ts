import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import tar from "tar-stream";

/** The host's static busybox: one file that makes a working image FROM scratch. */
export const BUSYBOX = "/bin/busybox";

function sha256(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

async function tarOf(entries: { name: string; body: Buffer; mode: number }[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const ended = new Promise<void>((resolve) => pack.on("end", () => resolve()));
  for (const e of entries) {
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: e.name, mode: e.mode, mtime: new Date(0) }, e.body, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** A `docker save` archive of one image: busybox at /bin/busybox, for linux/amd64. */
export async function helloArchive(): Promise<Buffer> {
  const layer = await tarOf([{ name: "bin/busybox", body: readFileSync(BUSYBOX), mode: 0o755 }]);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Cmd: ["/bin/busybox", "sh"], Env: ["PATH=/bin"] },
      rootfs: { type: "layers", diff_ids: [`sha256:${sha256(layer)}`] },
    }),
  );
  const configName = `${sha256(config)}.json`;
  const manifest = [{ Config: configName, RepoTags: ["hello:1"], Layers: ["0/layer.tar"] }];
  return tarOf([
    { name: configName, body: config, mode: 0o644 },
    { name: "0/layer.tar", body: layer, mode: 0o644 },
    { name: "manifest.json", body: Buffer.from(JSON.stringify(manifest)), mode: 0o644 },
  ]);
}

/** Pushes the hello image to a plain-http registry with skopeo and returns its reference. */
export async function pushHello(registry: string, dir: string): Promise<string> {
  const archive = join(dir, "hello.tar");
  writeFileSync(archive, await helloArchive());
  const ref = `${registry}/chefer-tui/hello:1`;
  execFileSync(
    "skopeo",
    ["copy", "--dest-tls-verify=false", `docker-archive:${archive}`, `docker://${ref}`],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  return ref;
}
