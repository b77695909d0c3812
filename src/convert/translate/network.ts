/**
 * Names and addresses: hostname, the extra names a service answers to (network aliases and
 * container_name), and extra /etc/hosts lines. The app has one network, so every service
 * reaches every other by name; the network-level choices are made in app.ts.
 */
import type { ExtraHost, Service } from "../../appcipe/types.js";
import { child, isMap, isSeq, text, type YNode } from "../node.js";
import { errorAt, warnAt, type ServiceContext } from "./context.js";

type NetworkFields = Pick<Service, "hostname" | "aliases" | "extraHosts">;

export function translateNetworkNames(ctx: ServiceContext): NetworkFields {
  const out: NetworkFields = { aliases: aliases(ctx), extraHosts: extraHosts(ctx) };
  const hostnameNode = ctx.node.entries.get("hostname");
  const hostname = text(hostnameNode);
  if (hostname && hostnameNode && validName(ctx, hostname, hostnameNode, ["hostname"])) {
    out.hostname = hostname;
  }
  return out;
}

const HOST_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

/** True for a name DNS can carry; other names are left out with a warning. */
function validName(
  ctx: ServiceContext,
  name: string,
  at: YNode,
  path: (string | number)[],
): boolean {
  if (name.length <= 253 && name.split(".").every((l) => HOST_LABEL.test(l))) return true;
  warnAt(
    ctx,
    "compose/invalid-hostname",
    at.loc,
    path,
    `"${name}" is not a valid host name, so the service cannot answer to it; it is left out`,
    "use letters, digits and -, in dot-separated parts",
  );
  return false;
}

function aliases(ctx: ServiceContext): string[] {
  const names = new Set<string>();
  const cnNode = ctx.node.entries.get("container_name");
  const containerName = text(cnNode);
  if (
    containerName &&
    cnNode &&
    containerName !== ctx.name &&
    validName(ctx, containerName, cnNode, ["container_name"])
  ) {
    names.add(containerName);
  }
  const networks = ctx.node.entries.get("networks");
  if (isMap(networks)) {
    for (const [network, spec] of networks.entries) {
      checkNetworkDeclared(ctx, network, spec);
      const list = child(spec, "aliases");
      if (!isSeq(list)) continue;
      list.items.forEach((a, i) => {
        const alias = text(a);
        if (alias && validName(ctx, alias, a, ["networks", network, "aliases", i]))
          names.add(alias);
      });
    }
  }
  if (isSeq(networks))
    for (const item of networks.items) checkNetworkDeclared(ctx, text(item) ?? "", item);
  names.delete(ctx.name);
  return [...names];
}

function checkNetworkDeclared(ctx: ServiceContext, network: string, at: YNode): void {
  if (network === "default") return;
  const declared = ctx.model.entries.get("networks");
  if (isMap(declared) && declared.entries.has(network)) return;
  errorAt(
    ctx,
    "compose/undefined-network",
    at.loc,
    ["networks", network],
    `network "${network}" is not declared under the top-level networks`,
    `add "networks: {${network}: {}}" at the top level`,
  );
}

function extraHosts(ctx: ServiceContext): ExtraHost[] {
  return collectHosts(ctx)
    .filter(({ entry, at }) => {
      if (entry.ip !== "host-gateway") return true;
      // TODO(limitation): the runtime has no address for the machine it runs on, so
      // host-gateway entries are left out.
      warnAt(
        ctx,
        "compose/extra-host-gateway",
        at.loc,
        ["extra_hosts"],
        `${entry.host} -> host-gateway is left out: the app has no Docker host gateway`,
        "write the address the service should reach instead of host-gateway",
      );
      return false;
    })
    .map(({ entry }) => entry);
}

function collectHosts(ctx: ServiceContext): { entry: ExtraHost; at: YNode }[] {
  const node = ctx.node.entries.get("extra_hosts");
  const out: { entry: ExtraHost; at: YNode }[] = [];
  if (isMap(node)) {
    for (const [host, value] of node.entries) {
      const ips = isSeq(value) ? value.items.map(text) : [text(value)];
      for (const ip of ips) if (ip) out.push({ entry: { host, ip }, at: value });
    }
  }
  if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const entry = parseHostEntry(text(item) ?? "");
      if (entry) out.push({ entry, at: item });
      else
        errorAt(
          ctx,
          "compose/extra-host-syntax",
          item.loc,
          ["extra_hosts", i],
          `"${text(item) ?? ""}" is not HOST:IP or HOST=IP`,
          "write host.name=10.0.0.1",
        );
    });
  }
  return out;
}

/** `host=ip` (current form) or `host:ip` (legacy); an IPv6 address may be in brackets. */
export function parseHostEntry(raw: string): ExtraHost | undefined {
  const sep = raw.includes("=") ? raw.indexOf("=") : raw.indexOf(":");
  if (sep <= 0) return undefined;
  const host = raw.slice(0, sep).trim();
  const ip = raw
    .slice(sep + 1)
    .trim()
    .replace(/^\[(.*)\]$/, "$1");
  return ip ? { host, ip } : undefined;
}
