import type { PortMapping, Protocol } from "./types.js";

/**
 * Port syntax shared by the loader and the writer:
 * `[ip:][host[-end]:]container[-end][/tcp|udp]`. A mapping without an IP listens on
 * 127.0.0.1 (the user's machine only), as the seed did; `0.0.0.0:` opts into every interface.
 */
export const DEFAULT_HOST_IP = "127.0.0.1";

/** `8080` or `8080-8090`. */
export function formatRange(start: number, end: number): string {
  return start === end ? `${start}` : `${start}-${end}`;
}

/** The short form of a mapping, exact: loading it gives the same mapping back. */
export function formatPort(p: PortMapping): string {
  const ip =
    p.hostIp === DEFAULT_HOST_IP ? "" : `${p.hostIp.includes(":") ? `[${p.hostIp}]` : p.hostIp}:`;
  const proto = p.protocol === "tcp" ? "" : `/${p.protocol}`;
  return `${ip}${formatRange(p.hostStart, p.hostEnd)}:${formatRange(p.containerStart, p.containerEnd)}${proto}`;
}

/** `8080` for TCP, `53/udp` otherwise. */
export function formatExpose(e: { port: number; protocol: Protocol }): string | number {
  return e.protocol === "tcp" ? e.port : `${e.port}/${e.protocol}`;
}

/** A parsed port entry before it is checked against the rest of the app. */
export type PortParse = PortMapping | { error: string; fix: string };

function parseRange(text: string): [number, number] | undefined {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const start = Number(m[1]);
  return [start, m[2] === undefined ? start : Number(m[2])];
}

function splitProtocol(text: string): [string, string] {
  const slash = text.lastIndexOf("/");
  return slash < 0 ? [text, "tcp"] : [text.slice(0, slash), text.slice(slash + 1).toLowerCase()];
}

/** Splits `ip:host:container`, where an IPv6 address is written in brackets. */
function splitParts(text: string): string[] {
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    return close < 0 ? [text] : [text.slice(1, close), ...text.slice(close + 2).split(":")];
  }
  return text.split(":");
}

/** `[ip:][host[-end]:]container[-end][/tcp|udp]`. */
export function parsePortShort(
  text: string,
  checkIp: (ip: string) => string | undefined,
): PortParse {
  const [body, protocol] = splitProtocol(text.trim());
  const parts = splitParts(body);
  if (parts.length === 1) {
    return {
      error: `\`${text}\` names no host port`,
      fix: `publish it on the same host port: "${body}:${body}${protocol === "tcp" ? "" : `/${protocol}`}", or list it under \`expose:\` to reach it only from other services`,
    };
  }
  if (parts.length > 3) return badPortSyntax(text);
  const [ip, host, container] = parts.length === 3 ? parts : [DEFAULT_HOST_IP, ...parts];
  const hostIp = checkIp(ip as string);
  if (hostIp === undefined)
    return {
      error: `\`${ip}\` is not an IP address`,
      fix: "write an IPv4 address like 127.0.0.1, or an IPv6 one in brackets like [::1]",
    };
  return buildMapping(text, hostIp, host as string, container as string, protocol);
}

function badPortSyntax(text: string): PortParse {
  return {
    error: `\`${text}\` is not a port mapping`,
    fix: 'write "HOST:CONTAINER", e.g. "8080:80", optionally with an IP first ("127.0.0.1:8080:80") and /udp after',
  };
}

/** Builds and checks one mapping: numbers in 1..65535, ranges in order and of equal length. */
export function buildMapping(
  text: string,
  hostIp: string,
  hostText: string,
  containerText: string,
  protocol: string,
): PortParse {
  if (protocol !== "tcp" && protocol !== "udp") {
    return {
      error: `protocol \`${protocol}\` is not supported`,
      fix: "write /tcp or /udp (tcp is the default)",
    };
  }
  const host = parseRange(hostText);
  const container = parseRange(containerText);
  if (!host || !container) return badPortSyntax(text);
  const problem = rangeProblem(text, host, container);
  if (problem) return problem;
  const [hostStart, hostEnd] = host;
  const [containerStart, containerEnd] = container;
  return { hostIp, hostStart, hostEnd, containerStart, containerEnd, protocol };
}

type Range = [number, number];

function rangeProblem(text: string, host: Range, container: Range): PortParse | undefined {
  const bad = [...host, ...container].find((n) => n < 1 || n > 65535);
  if (bad !== undefined)
    return { error: `port ${bad} is outside 1..65535`, fix: "use a port from 1 to 65535" };
  if (host[0] > host[1] || container[0] > container[1]) {
    return {
      error: `a range in \`${text}\` ends before it starts`,
      fix: "write the lower port first, e.g. 8000-8010",
    };
  }
  if (host[1] - host[0] === container[1] - container[0]) return undefined;
  return {
    error: `host range ${formatRange(...host)} and container range ${formatRange(...container)} differ in length`,
    fix: "give both ranges the same number of ports",
  };
}
