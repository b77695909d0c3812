/**
 * Root filesystems as Docker assembles them: whiteouts and opaque directories across layers
 * (with overlayfs and with the merged copy), hard links, baked files, bind and tmpfs mounts,
 * the files under /etc and the special file systems. Damaged executables end with a clear
 * error and leave nothing in the cache that looks complete.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  busyboxLayer,
  buildApp,
  makeHome,
  makeLayer,
  runApp,
  skipReason,
  workDir,
} from "./support/app.js";

const isRoot = process.getuid?.() === 0;

/** Rewrites the manifest of an executable (fixing its hash and the footer), for damage tests. */
function rewriteManifest(
  exe: string,
  out: string,
  edit: (m: Record<string, unknown>) => void,
): void {
  const bytes = readFileSync(exe);
  const footer = Buffer.from(bytes.subarray(bytes.length - 96));
  const at = Number(footer.readBigUInt64LE(24));
  const manifest = JSON.parse(bytes.subarray(at, bytes.length - 96).toString()) as Record<
    string,
    unknown
  >;
  edit(manifest);
  const text = Buffer.from(JSON.stringify(manifest));
  footer.writeBigUInt64LE(BigInt(text.length), 32);
  createHash("sha256").update(text).digest().copy(footer, 40);
  footer.writeBigUInt64LE(BigInt(at + text.length + 96), 72);
  writeFileSync(out, Buffer.concat([bytes.subarray(0, at), text, footer]), { mode: 0o755 });
}

/**
 * The refused blob left no cache entry and no half extraction; the other layers, extracted
 * beside it on a first run, may have complete entries of their own.
 */
function assertNoEntryOf(home: string, blobPrefix: string): void {
  const layers = readdirSync(join(home, ".cache/chefer/layers")).filter((n) => !n.endsWith(".lock"));
  assert.deepEqual(
    layers.filter((n) => n.startsWith(blobPrefix) || n.startsWith(".")),
    [],
    "no entry of the refused blob, and no leftover, is left behind",
  );
}

describe("a service's root filesystem", { skip: skipReason() }, () => {
  let dir = "";
  let exe = "";
  let hostDir = "";

  before(async () => {
    dir = workDir("layers");
    hostDir = join(dir, "shared");
    mkdirSync(hostDir);
    writeFileSync(join(hostDir, "from-host"), "host file\n");
    const lower = await makeLayer([
      { name: "a/" },
      { name: "a/gone", content: "x" },
      { name: "a/kept", content: "x" },
      { name: "b/" },
      { name: "b/old", content: "x" },
      { name: "c/" },
      { name: "c/file", content: "same" },
      { name: "c/hard", type: "link", linkname: "c/file" },
    ]);
    const upper = await makeLayer([
      { name: "a/" },
      { name: "a/.wh.gone", content: "" },
      { name: "b/" },
      { name: "b/.wh..wh..opq", content: "" },
      { name: "b/new", content: "x" },
    ]);
    exe = await buildApp(dir, "layers", [
      {
        name: "main",
        layers: [await busyboxLayer(), lower, upper],
        config: { Cmd: ["/bin/true"] },
        over: {
          files: [{ target: "/etc/app.conf", content: "baked\n", mode: 0o600, uid: 0, gid: 0 }],
          mounts: [
            { type: "bind", source: hostDir, target: "/shared", readOnly: true },
            { type: "tmpfs", target: "/scratch", size: 1 << 20 },
          ],
          extraHosts: [{ host: "host.internal", ip: "10.0.2.2" }],
        },
      },
    ]);
  });

  const sh = (script: string, env: Record<string, string> = {}) =>
    runApp(exe, ["--", "/bin/sh", "-c", script], { home: makeHome(dir), env });

  for (const [mode, env, link] of [
    ["overlayfs", {}, "same"],
    // TODO(limitation): the merged copy turns a hard link into a second copy of the file.
    ["a merged copy", { CHEFER_NO_OVERLAY: "1" }, "copied"],
  ] as const) {
    it(`applies whiteouts and opaque directories with ${mode}`, async () => {
      const r = await sh(
        'ls /a /b; [ "$(stat -c %i /c/file)" = "$(stat -c %i /c/hard)" ] && echo same || echo copied',
        env,
      );
      assert.equal(r.stdout, `/a:\nkept\n\n/b:\nnew\n${link}\n`, r.stderr);
    });
  }

  it("places baked files and mounts binds read-only and tmpfs writable", async () => {
    const r = await sh(
      "cat /etc/app.conf; stat -c %a /etc/app.conf; cat /shared/from-host; touch /shared/x 2>&1; touch /scratch/x && echo tmpfs-ok",
    );
    assert.equal(
      r.stdout,
      "baked\n600\nhost file\ntouch: /shared/x: Read-only file system\ntmpfs-ok\n",
    );
  });

  it("writes /etc/hosts, /etc/hostname and /etc/resolv.conf and mounts /proc, /dev and a read-only /sys", async () => {
    const r = await sh(
      "grep -c host.internal /etc/hosts; cat /etc/hostname; test -s /etc/resolv.conf && echo resolv; cat /proc/1/cmdline | grep -c sh; echo x > /dev/null && echo null; touch /sys/x 2>&1; ls /dev/pts/ptmx",
    );
    assert.equal(
      r.stdout,
      "1\nmain\nresolv\n1\nnull\ntouch: /sys/x: Read-only file system\n/dev/pts/ptmx\n",
      r.stderr,
    );
  });

  it("never gives a layer's set-uid file to host root", { skip: !isRoot }, async () => {
    const setuid = await makeLayer([{ name: "su", content: "#!/bin/sh\n", mode: 0o4755 }]);
    const app = await buildApp(dir, "setuid", [
      { name: "main", layers: [await busyboxLayer(), setuid], config: { Cmd: ["/bin/true"] } },
    ]);
    const home = makeHome(dir);
    const r = await runApp(app, [], { home });
    assert.equal(r.code, 0, r.stderr);
    const layers = join(home, ".cache/chefer/layers");
    for (const entry of readdirSync(layers).filter((n) => !n.endsWith(".lock"))) {
      const su = join(layers, entry, "root/su");
      const st = statSync(su, { throwIfNoEntry: false });
      if (st) assert.notEqual(st.uid, 0);
    }
  });

  it("stops at a frame that decompresses to more than its recorded size", async () => {
    const bomb = join(dir, "bomb");
    rewriteManifest(exe, bomb, (m) => {
      const blobs = m.blobs as { usize: number; frames: { usize: number }[] }[];
      const blob = blobs.find((b) => (b.frames[0]?.usize ?? 0) > 1000) as (typeof blobs)[0];
      (blob.frames[0] as { usize: number }).usize -= 1000;
      blob.usize -= 1000;
    });
    const home = makeHome(dir);
    const r = await runApp(bomb, [], { home });
    assert.equal(r.code, 5);
    const bad = /^error: decompress blob ([0-9a-f]{12}) frame 0: /m.exec(r.stderr)?.[1];
    assert.ok(bad, r.stderr);
    assertNoEntryOf(home, bad);
  });

  it("never poisons the cache, whichever byte of the file is flipped", async () => {
    const bytes = readFileSync(exe);
    const end = bytes.length;
    const manifestAt = Number(bytes.readBigUInt64LE(end - 96 + 24));
    const payloadAt = Number(bytes.readBigUInt64LE(end - 96 + 16));
    const offsets = [
      ...[0, 8, 12, 16, 24, 32, 40, 72, 88].map((o) => end - 96 + o),
      ...[0.1, 0.5, 0.9].map((f) => manifestAt + Math.floor((end - 96 - manifestAt) * f)),
      ...[0.01, 0.3, 0.6, 0.99].map((f) => payloadAt + Math.floor((manifestAt - payloadAt) * f)),
    ];
    const home = makeHome(dir);
    for (const at of offsets) {
      // A new file each time: the detached clean-up of the previous run may still map it.
      const flipped = join(dir, `flipped-${at}`);
      const copy = Buffer.from(bytes);
      copy[at] = (copy[at] as number) ^ 0x20;
      writeFileSync(flipped, copy, { mode: 0o755 });
      const r = await runApp(flipped, [], { home });
      assert.equal(r.code, 5, `offset ${at}: ${r.stderr}`);
      assert.match(r.stderr, /^error: [a-z]/m, `offset ${at}`);
    }
    const intact = await runApp(exe, ["--", "/bin/cat", "/c/file"], { home });
    assert.equal(intact.stdout, "same", intact.stderr);
  });

  it("refuses a damaged frame and leaves no cache entry, then the intact file runs", async () => {
    const bytes = readFileSync(exe);
    const payloadAt = Number(bytes.readBigUInt64LE(bytes.length - 96 + 16));
    const damaged = join(dir, "damaged");
    const copy = Buffer.from(bytes);
    copy[payloadAt + 100] = (copy[payloadAt + 100] as number) ^ 0xff;
    writeFileSync(damaged, copy, { mode: 0o755 });
    const home = makeHome(dir);
    const r = await runApp(damaged, [], { home });
    assert.equal(r.code, 5);
    const bad = /^error: verify blob ([0-9a-f]{12}) frame 0: damaged \(SHA-256 mismatch\)\n {2}fix: /m.exec(
      r.stderr,
    )?.[1];
    assert.ok(bad, r.stderr);
    assertNoEntryOf(home, bad);
    assert.equal((await runApp(exe, [], { home })).code, 0);
  });
});

describe("an image whose symlinks point mount targets outside", { skip: skipReason() }, () => {
  it("keeps /etc/hosts and volume mounts inside the root", async () => {
    const dir = workDir("targets");
    const host = join(dir, "host");
    mkdirSync(host);
    const tricks = await makeLayer([
      { name: "etc/" },
      { name: "etc/hosts", type: "symlink", linkname: `../../../../../..${host}/hosts` },
      { name: "data", type: "symlink", linkname: host },
    ]);
    const exe = await buildApp(
      dir,
      "targets",
      [
        {
          name: "main",
          layers: [await busyboxLayer(), tricks],
          config: {
            Cmd: ["/bin/sh", "-c", "cat /etc/hosts | grep -c localhost; echo x > /data/y"],
          },
          over: { mounts: [{ type: "volume", source: "v", target: "/data", readOnly: false }] },
        },
      ],
      ["v"],
    );
    const r = await runApp(exe, [], { home: makeHome(dir) });
    assert.deepEqual(readdirSync(host), [], `the image reached the host: ${r.stderr}`);
    if (r.code !== 0)
      assert.match(
        r.stderr,
        /^error: create mount target \/data: No such file or directory\n {2}fix: /m,
      );
  });
});

describe("files owned by other users in an image", { skip: skipReason() }, () => {
  it("keep their owner with a range of ids, and become root's with a warning without one", async () => {
    const dir = workDir("owners");
    const owned = await makeLayer([
      { name: "data/", uid: 999, gid: 999 },
      { name: "data/f", content: "x", uid: 999, gid: 999 },
    ]);
    const exe = await buildApp(dir, "owners", [
      {
        name: "main",
        layers: [await busyboxLayer(), owned],
        config: { Cmd: ["/bin/sh", "-c", "stat -c %u:%g /data/f"] },
      },
    ]);
    const ranged = await runApp(exe, [], { home: makeHome(dir) });
    if (isRoot) assert.equal(ranged.stdout, "999:999\n", ranged.stderr);
    const single = await runApp(exe, [], { home: makeHome(dir), env: { CHEFER_IDMAP: "single" } });
    assert.equal(single.stdout, "0:0\n");
    assert.match(
      single.stderr,
      /^warning: layer [0-9a-f]{12}: 2 entries belong to users this machine cannot map \(CHEFER_IDMAP=single is set\).*fix: .*\/etc\/subuid/m,
    );
  });
});
