/**
 * Published ports (every short and long form, ranges, host addresses, udp) and exposed ports.
 * Docker publishes on every interface by default; the recipe binds to 127.0.0.1 unless the
 * user asks for --publish-all-interfaces, and each port where that changes says so.
 */
import type { PortMapping, Protocol, Service } from "../../appcipe/types.js";
import { child, isMap, isSeq, text, type YMap, type YNode } from "../node.js";
import { PortSpecError, parsePortSpec, parseRange, type PortSpec } from "../syntax/port-spec.js";
import { errorAt, warnAt, type ServiceContext } from "./context.js";

type PortFields = Pick<Service, "ports" | "expose">;

const ALL_INTERFACES = new Set(["", "0.0.0.0", "::", "[::]"]);

export function translatePorts(ctx: ServiceContext): PortFields {
  const out: PortFields = { ports: [], expose: [] };
  const ports = ctx.node.entries.get("ports");
  if (isSeq(ports)) ports.items.forEach((item, i) => translatePort(ctx, item, i, out));
  const expose = ctx.node.entries.get("expose");
  if (isSeq(expose)) expose.items.forEach((item, i) => translateExpose(ctx, item, i, out));
  return out;
}

function translatePort(ctx: ServiceContext, item: YNode, i: number, out: PortFields): void {
  let spec: PortSpec;
  try {
    spec = isMap(item) ? longSpec(item) : parsePortSpec(text(item) ?? "");
  } catch (error) {
    if (!(error instanceof PortSpecError)) throw error;
    errorAt(
      ctx,
      "compose/port-syntax",
      item.loc,
      ["ports", i],
      error.message,
      "write [HOST_IP:]HOST:CONTAINER[/udp]",
    );
    return;
  }
  const protocol = checkProtocol(ctx, spec.protocol, item, i);
  if (!protocol) return;
  if (spec.hostStart === undefined || spec.hostStart === 0)
    return exposeOnly(ctx, spec, protocol, item, i, out);
  const mapping = toMapping(ctx, spec, protocol, item, i);
  if (mapping) out.ports.push(mapping);
}

function longSpec(item: YMap): PortSpec {
  const target = parseRange(text(child(item, "target")) ?? "", "target");
  const published = text(child(item, "published"));
  const spec: PortSpec = {
    hostIp: text(child(item, "host_ip")) ?? "",
    containerStart: target[0],
    containerEnd: target[1],
    protocol: (text(child(item, "protocol")) ?? "tcp").toLowerCase(),
  };
  if (published) [spec.hostStart, spec.hostEnd] = parseRange(published, "published");
  return spec;
}

function checkProtocol(
  ctx: ServiceContext,
  protocol: string,
  item: YNode,
  i: number,
): Protocol | undefined {
  if (protocol === "tcp" || protocol === "udp") return protocol;
  if (protocol !== "sctp") {
    errorAt(
      ctx,
      "compose/port-syntax",
      item.loc,
      ["ports", i],
      `invalid protocol ${protocol}`,
      "use tcp or udp",
    );
    return undefined;
  }
  warnAt(
    ctx,
    "compose/port-protocol",
    item.loc,
    ["ports", i],
    `protocol ${protocol} is not supported; the port is not published`,
    "use tcp or udp",
  );
  return undefined;
}

function exposeOnly(
  ctx: ServiceContext,
  spec: PortSpec,
  protocol: Protocol,
  item: YNode,
  i: number,
  out: PortFields,
): void {
  for (let p = spec.containerStart; p <= spec.containerEnd; p++)
    out.expose.push({ port: p, protocol });
  warnAt(
    ctx,
    "compose/port-no-host-port",
    item.loc,
    ["ports", i],
    "no host port is given, so Docker would pick a random one; the port is only reachable by the other services",
    `publish it on a fixed port: "${spec.containerStart}:${spec.containerStart}"`,
  );
}

function toMapping(
  ctx: ServiceContext,
  spec: PortSpec,
  protocol: Protocol,
  item: YNode,
  i: number,
): PortMapping | undefined {
  const hostStart = spec.hostStart as number;
  let hostEnd = spec.hostEnd ?? hostStart;
  const containerLen = spec.containerEnd - spec.containerStart;
  if (containerLen === 0 && hostEnd !== hostStart) {
    warnAt(
      ctx,
      "compose/port-host-range",
      item.loc,
      ["ports", i],
      `Docker would pick one free port of ${hostStart}-${hostEnd}; the app always uses ${hostStart}`,
      `write "${hostStart}:${spec.containerStart}"`,
    );
    hostEnd = hostStart;
  } else if (hostEnd - hostStart !== containerLen) {
    errorAt(
      ctx,
      "compose/port-range-mismatch",
      item.loc,
      ["ports", i],
      "the host range and the container range have different lengths",
      "give both ranges the same number of ports",
    );
    return undefined;
  }
  return {
    hostIp: hostIp(ctx, spec.hostIp, item, i),
    hostStart,
    hostEnd,
    containerStart: spec.containerStart,
    containerEnd: spec.containerEnd,
    protocol,
  };
}

function hostIp(ctx: ServiceContext, ip: string, item: YNode, i: number): string {
  if (!ALL_INTERFACES.has(ip)) return ip;
  if (ctx.options.publishAllInterfaces) return ip === "::" || ip === "[::]" ? "::" : "0.0.0.0";
  warnAt(
    ctx,
    "compose/port-localhost",
    item.loc,
    ["ports", i],
    "Docker publishes this port on every interface; the app publishes it on 127.0.0.1 only",
    "convert with --publish-all-interfaces to publish on every interface",
  );
  return "127.0.0.1";
}

function translateExpose(ctx: ServiceContext, item: YNode, i: number, out: PortFields): void {
  const raw = text(item) ?? "";
  const [range, proto = "tcp"] = raw.split("/");
  try {
    const [start, end] = parseRange(range ?? "", raw);
    if (proto !== "tcp" && proto !== "udp")
      throw new PortSpecError(`protocol ${proto} is not supported`);
    for (let p = start; p <= end; p++) out.expose.push({ port: p, protocol: proto });
  } catch (error) {
    if (!(error instanceof PortSpecError)) throw error;
    errorAt(
      ctx,
      "compose/expose-syntax",
      item.loc,
      ["expose", i],
      error.message,
      "write PORT or PORT/udp",
    );
  }
}
