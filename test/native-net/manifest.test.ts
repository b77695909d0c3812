import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { buildDriver, driver, scratch } from "./support.js";

before(() => buildDriver());

/** The network fields of a manifest as docs/format.md lays them out (other keys trimmed). */
function manifest(ports: unknown[]): object {
  return {
    format_version: 1,
    app: { name: "demo", network: "internal" },
    services: [
      {
        name: "db",
        hostname: "db",
        aliases: ["postgres"],
        extra_hosts: [],
        ports: [],
      },
      {
        name: "web",
        hostname: "web",
        aliases: ["www", "web-1"],
        extra_hosts: [{ host: "host.internal", ip: "10.0.2.2" }],
        ports,
      },
    ],
  };
}

function readManifest(doc: object, service: string) {
  const path = join(scratch(), "manifest.json");
  writeFileSync(path, JSON.stringify(doc));
  return spawnSync(driver, ["manifest", path, service], { encoding: "utf8" });
}

const webPort = {
  host_ip: "127.0.0.1",
  host_start: 18080,
  host_end: 18081,
  container_start: 8080,
  container_end: 8081,
  protocol: "tcp",
};

describe("the network plan read from a manifest", () => {
  test("takes the mode, ports, aliases and extra hosts from the manifest's fields", () => {
    const r = readManifest(manifest([webPort, { ...webPort, protocol: "udp" }]), "web");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        "mode internal",
        "port web tcp 127.0.0.1 18080-18081 8080-8081",
        "port web udp 127.0.0.1 18080-18081 8080-8081",
        "127.0.0.1\tlocalhost",
        "::1\tlocalhost ip6-localhost ip6-loopback",
        "10.89.0.3\tweb www web-1",
        "10.89.0.2\tdb postgres",
        "10.0.2.2\thost.internal",
        "",
      ].join("\n"),
    );
  });

  test("names the manifest path of a port it cannot use", () => {
    const r = readManifest(manifest([{ ...webPort, protocol: "sctp" }]), "web");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /read services\.web\.ports\[0\] of the manifest: needs host_ip/);
  });

  test("rejects an alias that would add a line of its own to the hosts file", () => {
    const doc = manifest([]) as { services: { aliases: string[] }[] };
    doc.services[1]!.aliases = ["www\n6.6.6.6 bank.example"];
    const r = readManifest(doc, "web");
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /service web: alias "www\n6\.6\.6\.6 bank\.example" cannot be a host name/,
    );
    assert.equal(r.stdout, "");
  });

  test("rejects an extra host whose address is not an address", () => {
    const doc = manifest([]) as { services: { extra_hosts: unknown[] }[] };
    doc.services[1]!.extra_hosts = [{ host: "gw", ip: "host-gateway" }];
    const r = readManifest(doc, "web");
    assert.equal(r.status, 1);
    assert.match(r.stderr, /service web: extra host gw has address "host-gateway", not an IPv4/);
  });

  test("rejects an unknown network mode", () => {
    const doc = { ...manifest([]), app: { name: "demo", network: "host" } };
    const r = readManifest(doc, "web");
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /read app\.network of the manifest: expected bridge, internal or shared/,
    );
  });
});
