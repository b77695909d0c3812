/**
 * The short port syntax `[IP:][HOST[-HOST]:]CONTAINER[-CONTAINER][/PROTOCOL]`, as Docker's
 * port spec parser reads it. IPv6 host addresses are written in brackets: `[::1]:80:80`.
 */
export interface PortSpec {
  hostIp: string;
  /** Undefined when no host port was given: Docker picks a free one. */
  hostStart?: number;
  hostEnd?: number;
  containerStart: number;
  containerEnd: number;
  protocol: string;
}

export class PortSpecError extends Error {}

/** Parses one short-syntax port; throws PortSpecError naming what is wrong. */
export function parsePortSpec(raw: string): PortSpec {
  const slash = raw.lastIndexOf("/");
  const protocol = slash >= 0 ? raw.slice(slash + 1).toLowerCase() : "tcp";
  const body = slash >= 0 ? raw.slice(0, slash) : raw;
  const { ip, rest } = splitIp(body);
  const parts = rest.split(":");
  if (parts.length > 2) throw new PortSpecError(`"${raw}" has too many ":"-separated parts`);
  const container = parseRange(parts[parts.length - 1] as string, raw);
  const host =
    parts.length === 2 && parts[0] !== "" ? parseRange(parts[0] as string, raw) : undefined;
  const spec: PortSpec = {
    hostIp: ip,
    containerStart: container[0],
    containerEnd: container[1],
    protocol,
  };
  if (host) [spec.hostStart, spec.hostEnd] = host;
  return spec;
}

function splitIp(body: string): { ip: string; rest: string } {
  if (body.startsWith("[")) {
    const close = body.indexOf("]");
    if (close < 0 || body[close + 1] !== ":")
      throw new PortSpecError(`"${body}" has a malformed IPv6 address`);
    return { ip: body.slice(1, close), rest: body.slice(close + 2) };
  }
  const parts = body.split(":");
  if (parts.length <= 2) return { ip: "", rest: body };
  if (parts.length === 3) return { ip: parts[0] as string, rest: `${parts[1]}:${parts[2]}` };
  throw new PortSpecError(
    `"${body}" has too many ":"-separated parts; write IPv6 addresses in brackets`,
  );
}

/** A port or a range `A-B`, both 1..65535 (0 is allowed for the host side meaning any). */
export function parseRange(raw: string, whole: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(raw.trim());
  if (!m) throw new PortSpecError(`"${whole}": "${raw}" is not a port or a port range`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (start > 65535 || end > 65535) throw new PortSpecError(`"${whole}": ports go up to 65535`);
  if (end < start) throw new PortSpecError(`"${whole}": the range ${raw} ends before it starts`);
  return [start, end];
}
