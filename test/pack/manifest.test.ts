import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_PATH,
  resolveCommand,
  resolveEnv,
  resolveHealthcheck,
  resolveService,
} from "../../src/pack/manifest.js";
import { plainService } from "../../src/pack/recipe-helpers.js";
import type { ResolvedImage } from "../../src/pack/image.js";

const image = { Entrypoint: ["/entry.sh"], Cmd: ["serve", "--port", "80"] };

test("keeps the image's entrypoint and cmd when the recipe sets neither", () => {
  assert.deepEqual(resolveCommand({}, image), {
    entrypoint: ["/entry.sh"],
    cmd: ["serve", "--port", "80"],
  });
});

test("a recipe cmd replaces only the image's cmd", () => {
  const r = resolveCommand({ cmd: { argv: ["debug"] } }, image);
  assert.deepEqual(r, { entrypoint: ["/entry.sh"], cmd: ["debug"] });
});

test("a recipe entrypoint replaces the image's and clears the image's cmd", () => {
  const r = resolveCommand({ entrypoint: { argv: ["/other"] } }, image);
  assert.deepEqual(r, { entrypoint: ["/other"], cmd: [] });
});

test("a shell-form command runs through /bin/sh -c", () => {
  const r = resolveCommand({ cmd: { shell: "echo $HOME" } }, {});
  assert.deepEqual(r.cmd, ["/bin/sh", "-c", "echo $HOME"]);
});

test("env keeps image order, applies recipe values and appends new recipe keys", () => {
  const env = resolveEnv(["PATH=/bin", "A=1", "B=2"], { B: "two", C: "3" });
  assert.deepEqual(env, ["PATH=/bin", "A=1", "B=two", "C=3"]);
});

test("env gets Docker's default PATH first when neither side sets one", () => {
  assert.deepEqual(resolveEnv(["A=1"], {}), [`PATH=${DEFAULT_PATH}`, "A=1"]);
});

test("an image healthcheck converts nanoseconds and fills Docker's defaults", () => {
  const hc = resolveHealthcheck(undefined, { Test: ["CMD", "true"], Interval: 5e9, Retries: 0 });
  assert.deepEqual(hc, {
    test: ["CMD", "true"],
    interval_ms: 5000,
    timeout_ms: 30000,
    retries: 3,
    start_period_ms: 0,
    start_interval_ms: 5000,
  });
});

test("a NONE image healthcheck and a recipe null both mean no healthcheck", () => {
  assert.equal(resolveHealthcheck(undefined, { Test: ["NONE"] }), null);
  assert.equal(resolveHealthcheck(null, { Test: ["CMD", "true"] }), null);
});

test("a service takes workdir, user and stop signal from the image unless the recipe sets them", () => {
  const img: ResolvedImage = {
    origin: "x",
    platform: "linux/amd64",
    config: { config: { WorkingDir: "/srv", User: "app", StopSignal: "SIGQUIT" } },
    layers: [],
  };
  const plain = resolveService(plainService("web", { source: "docker", ref: "x:1" }), img, []);
  assert.deepEqual(
    [plain.workdir, plain.user, plain.stop_signal, plain.hostname],
    ["/srv", "app", "SIGQUIT", "web"],
  );
  const set = resolveService(
    plainService(
      "web",
      { source: "docker", ref: "x:1" },
      { workdir: "/w", user: "0", stopSignal: "SIGINT" },
    ),
    img,
    [],
  );
  assert.deepEqual([set.workdir, set.user, set.stop_signal], ["/w", "0", "SIGINT"]);
  const bare = resolveService(
    plainService("db", { source: "docker", ref: "x:1" }),
    { ...img, config: {} },
    [],
  );
  assert.deepEqual(
    [bare.workdir, bare.user, bare.stop_signal, bare.stop_grace_period_ms],
    ["/", "", "SIGTERM", 10000],
  );
});

test("capabilities follow Docker's rules and privileged turns the seccomp filter off", () => {
  const img: ResolvedImage = { origin: "x", platform: "linux/amd64", config: {}, layers: [] };
  const caps = (over: Parameters<typeof plainService>[2]) => {
    const s = resolveService(plainService("s", { source: "docker", ref: "x:1" }, over), img, []);
    return [s.capabilities.join(" "), s.seccomp];
  };
  const docker =
    "CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP " +
    "CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_SYS_CHROOT CAP_MKNOD CAP_AUDIT_WRITE CAP_SETFCAP";
  assert.deepEqual(caps({}), [docker, "default"]);
  assert.deepEqual(caps({ capAdd: ["CAP_NET_ADMIN"], capDrop: ["CAP_NET_ADMIN", "CAP_KILL"] }), [
    docker.replace(" CAP_KILL", "").replace("CAP_NET_RAW", "CAP_NET_ADMIN CAP_NET_RAW"),
    "default",
  ]);
  assert.deepEqual(caps({ capDrop: ["ALL"], capAdd: ["CAP_CHOWN"] }), ["CAP_CHOWN", "default"]);
  const all = caps({ capAdd: ["ALL"], capDrop: ["CAP_SYS_ADMIN"] })[0] ?? "";
  assert.ok(all.includes("CAP_BPF") && !all.includes("CAP_SYS_ADMIN"), all);
  assert.deepEqual(caps({ privileged: true, capDrop: ["CAP_SYS_ADMIN"] })[1], "unconfined");
  assert.ok(caps({ privileged: true })[0]?.includes("CAP_SYS_ADMIN"));
  assert.deepEqual(caps({ seccomp: "unconfined" }), [docker, "unconfined"]);
});
