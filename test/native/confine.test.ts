/**
 * What a service's process may do: Docker's default capabilities unless the recipe says
 * otherwise, and a seccomp filter refusing new namespaces and keyrings, as root and rootless.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Service } from "../../src/appcipe/types.js";
import {
  buildApp,
  busyboxLayer,
  ensureTestUser,
  makeHome,
  runApp,
  skipReason,
  testUser,
  workDir,
} from "./support/app.js";

/** Prints the capability sets and tries what the seccomp filter and capabilities refuse. */
const probe = [
  "grep -E '^Cap(Eff|Bnd)' /proc/self/status",
  "busybox unshare -U true && echo unshare=ok || echo unshare=refused",
  "touch /tmp/f && busybox chown 1000 /tmp/f && echo chown=ok || echo chown=refused",
  "mkdir -p /tmp/m && busybox mount -t tmpfs none /tmp/m 2>/dev/null && echo mount=ok || echo mount=refused",
].join("; ");

/** Docker's default set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP
 * NET_BIND_SERVICE NET_RAW SYS_CHROOT MKNOD AUDIT_WRITE SETFCAP. */
const dockerDefault = 0xa80425fbn;

interface Seen {
  eff: bigint;
  bnd: bigint;
  unshare: string;
  chown: string;
  mount: string;
}

async function seen(over: Partial<Service>, asUser = false): Promise<Seen> {
  const dir = workDir("confine");
  const layer = await busyboxLayer();
  const exe = await buildApp(dir, "confined", [
    { name: "probe", layers: [layer], config: { Cmd: ["/bin/sh", "-c", probe] }, over },
  ]);
  const r = await runApp(exe, [], { home: makeHome(dir, asUser), asUser });
  assert.equal(r.code, 0, r.stderr);
  const field = (re: RegExp) => re.exec(r.stdout)?.[1] ?? "missing";
  return {
    eff: BigInt(`0x${field(/^CapEff:\s*([0-9a-f]+)/m)}`),
    bnd: BigInt(`0x${field(/^CapBnd:\s*([0-9a-f]+)/m)}`),
    unshare: field(/^unshare=(\w+)/m),
    chown: field(/^chown=(\w+)/m),
    mount: field(/^mount=(\w+)/m),
  };
}

describe("a service's confinement", { skip: skipReason() }, () => {
  for (const asUser of [false, true]) {
    const who = asUser ? `as the unprivileged user ${testUser}` : "as the calling user";
    it(`has Docker's default capabilities and no new namespaces, ${who}`, async (t) => {
      const why = asUser ? ensureTestUser() : undefined;
      if (why) return t.skip(why);
      const s = await seen({}, asUser);
      assert.equal(s.eff, dockerDefault);
      assert.equal(s.bnd, dockerDefault);
      assert.equal(s.unshare, "refused");
      assert.equal(s.chown, "ok");
      assert.equal(s.mount, "refused");
    });
  }

  it("gains added capabilities and loses dropped ones", async () => {
    const s = await seen({ capAdd: ["CAP_SYS_ADMIN"], capDrop: ["CAP_CHOWN"] });
    assert.equal(s.eff, (dockerDefault | (1n << 21n)) & ~1n);
    assert.equal(s.chown, "refused");
    assert.equal(s.mount, "ok");
    // CAP_SYS_ADMIN lifts the namespace rules of the filter, as in Docker's profile.
    assert.equal(s.unshare, "ok");
  });

  it("has every capability and no filter when privileged, still inside its user namespace", async () => {
    const s = await seen({ privileged: true });
    assert.ok(s.eff > dockerDefault && (s.eff & (1n << 21n)) !== 0n, s.eff.toString(16));
    assert.equal(s.unshare, "ok");
    assert.equal(s.mount, "ok");
  });

  it("keeps the default capabilities but no filter with seccomp: unconfined", async () => {
    const s = await seen({ seccomp: "unconfined" });
    assert.equal(s.eff, dockerDefault);
    assert.equal(s.unshare, "ok");
    assert.equal(s.mount, "refused");
  });
});
