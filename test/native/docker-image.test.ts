/**
 * An image built and exported by a real Docker engine (the test dockerd), packed by the real
 * packer and run by the runtime as root and as an unprivileged user: its layers (a whiteout
 * from `rm` included), config env, workdir and USER come through as Docker would run them.
 */
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildExecutable, plainRecipe, plainService, readImageFile } from "../../src/pack/index.js";
import {
  ensureTestUser,
  makeHome,
  runApp,
  runtimeBin,
  skipReason,
  workDir,
} from "./support/app.js";

const dockerHost = process.env.CHEFER_TEST_DOCKER_HOST;
const skip =
  skipReason() ??
  (dockerHost
    ? false
    : process.env.CI
      ? false
      : "no test Docker engine (scripts/services.sh start)");

const dockerfile = `FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
COPY passwd group motd /etc/
RUN ["/bin/busybox", "rm", "/etc/motd"]
RUN ["/bin/busybox", "mkdir", "-p", "/srv/app"]
ENV GREETING=from-docker
WORKDIR /srv/app
USER app
CMD ["/bin/sh", "-c", "echo $(id -un) $(pwd) $GREETING; ls /etc"]
`;

function docker(args: string[]): string {
  assert.ok(dockerHost, "CHEFER_TEST_DOCKER_HOST is not set");
  const r = spawnSync("docker", args, {
    encoding: "utf8",
    env: { ...process.env, DOCKER_HOST: dockerHost },
  });
  assert.equal(r.status, 0, `docker ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

describe("an image exported from a Docker engine", { skip }, () => {
  let dir = "";
  let exe = "";

  before(async () => {
    dir = workDir("docker");
    const ctx = join(dir, "ctx");
    mkdirSync(ctx);
    copyFileSync("/bin/busybox", join(ctx, "busybox"));
    writeFileSync(
      join(ctx, "passwd"),
      "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n",
    );
    writeFileSync(join(ctx, "group"), "root:x:0:\napp:x:1000:\n");
    writeFileSync(join(ctx, "motd"), "removed in a later layer\n");
    writeFileSync(join(ctx, "Dockerfile"), dockerfile);
    docker(["build", "--network", "host", "-q", "-t", "chefer-native-test:1", ctx]);
    const archive = join(dir, "image.tar");
    docker(["save", "-o", archive, "chefer-native-test:1"]);
    const image = await readImageFile(archive, "auto", "linux/amd64");
    const recipe = plainRecipe("dockerapp", [
      plainService("main", { source: "tar", file: archive, format: "auto" }),
    ]);
    exe = join(dir, "dockerapp");
    await buildExecutable({
      recipe,
      target: "x86_64-linux",
      runtime: runtimeBin,
      out: exe,
      images: new Map([["main", image]]),
    });
  });

  for (const asUser of [false, true]) {
    it(`runs with the image's USER, WORKDIR, ENV and layers ${asUser ? "as chefer-test" : "as the calling user"}`, async (t) => {
      if (asUser) {
        const why = process.getuid?.() === 0 ? ensureTestUser() : "needs root to switch users";
        if (why) return t.skip(why);
      }
      const r = await runApp(exe, [], { home: makeHome(dir, asUser), asUser });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        "app /srv/app from-docker\ngroup\nhostname\nhosts\npasswd\nresolv.conf\n",
      );
    });
  }
});
