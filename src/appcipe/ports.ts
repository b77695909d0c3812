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
