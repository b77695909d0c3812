import type { ExtraHost, PortMapping, Protocol } from "./types.js";
import { child, entries, fail, isObj, isStr, type Ctx, type Obj } from "./context.js";
import type { Segment } from "./source.js";
import { checkHostname, parseIp } from "./names.js";
import { DEFAULT_HOST_IP, buildMapping, parsePortShort, type PortParse } from "./ports.js";

/** `ports:` entries, short strings, bare numbers or the long form. */
export function normalizePorts(ctx: Ctx, value: unknown, path: Segment[]): PortMapping[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry, i) => {
    const at = child(path, i);
    const parsed = parsePort(entry);
    if (parsed === undefined) return [];
    if ("error" in parsed)
      return (
        fail(ctx, { code: "recipe/bad-port", path: at, message: parsed.error, fix: parsed.fix }) ??
        []
      );
    return [parsed];
  });
}

function parsePort(entry: unknown): PortParse | undefined {
  if (isStr(entry)) return parsePortShort(entry, parseIp);
  if (typeof entry === "number") return parsePortShort(String(entry), parseIp);
  return isObj(entry) ? parsePortLong(entry) : undefined;
}

function parsePortLong(entry: Obj): PortParse {
  const target = String(entry.target);
  if (entry.published === undefined) {
    return {
      error: `port ${target} names no published host port`,
      fix: `add \`published: ${target}\``,
    };
  }
  const ipText = isStr(entry.host_ip) ? entry.host_ip : DEFAULT_HOST_IP;
  const hostIp = parseIp(ipText);
  if (hostIp === undefined)
    return { error: `\`${ipText}\` is not an IP address`, fix: "write an IPv4 or IPv6 address" };
  const protocol = isStr(entry.protocol) ? entry.protocol : "tcp";
  return buildMapping(
    `${String(entry.published)}:${target}`,
    hostIp,
    String(entry.published),
    target,
    protocol,
  );
}

/** `expose:` entries: `8080`, `"53/udp"`, or a range `"8000-8002"`. */
export function normalizeExpose(
  ctx: Ctx,
  value: unknown,
  path: Segment[],
): { port: number; protocol: Protocol }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry, i) => {
    const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp))?$/.exec(String(entry).trim());
    const start = Number(m?.[1]);
    const end = m?.[2] === undefined ? start : Number(m[2]);
    if (!m || start < 1 || end > 65535 || end < start) {
      return (
        fail(ctx, {
          code: "recipe/bad-port",
          path: child(path, i),
          message: `\`${String(entry)}\` is not a port`,
          fix: 'write a port from 1 to 65535, optionally with /udp: "53/udp"',
        }) ?? []
      );
    }
    const protocol = (m[3] ?? "tcp") as Protocol;
    return Array.from({ length: end - start + 1 }, (_, k) => ({ port: start + k, protocol }));
  });
}

export function normalizeAliases(ctx: Ctx, value: unknown, path: Segment[]): string[] {
  if (!Array.isArray(value)) return [];
  const names = value.filter(
    (v, i): v is string => isStr(v) && checkHostname(ctx, v, child(path, i)),
  );
  return [...new Set(names)];
}

/** `extra_hosts:` as a list of `host:ip` or `host=ip`, or a mapping of host to IP. */
export function normalizeExtraHosts(ctx: Ctx, value: unknown, path: Segment[]): ExtraHost[] {
  const pairs: [string, string, Segment[]][] = Array.isArray(value)
    ? value.filter(isStr).map((text, i) => [...splitHost(text), child(path, i)])
    : entries(value).map(([host, ip]) => [host, String(ip), child(path, host)]);
  return pairs.flatMap(([host, ipText, at]) => {
    const ip = parseIp(ipText);
    if (!host || ip === undefined) {
      return (
        fail(ctx, {
          code: "recipe/bad-extra-host",
          path: at,
          message: `\`${host}\` -> \`${ipText}\` is not a host name and an IP address`,
          fix: 'write "NAME:IP", e.g. "db.local:10.0.2.2" (IPv6: "NAME=::1")',
        }) ?? []
      );
    }
    return checkHostname(ctx, host, at) ? [{ host, ip }] : [];
  });
}

/** `host=ip` splits at `=`; `host:ip` at the first colon, so `host:::1` keeps its IPv6 address. */
function splitHost(text: string): [string, string] {
  const sep = text.includes("=") ? "=" : ":";
  const at = text.indexOf(sep);
  return at < 0 ? [text, ""] : [text.slice(0, at), text.slice(at + 1)];
}
