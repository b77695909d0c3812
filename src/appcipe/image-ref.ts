/**
 * Registry references: `[host[:port]/]path[:tag][@algo:hex]`. A tag sits in the last path
 * segment, so the port in `host:5000/app` is not mistaken for one.
 */
export interface ParsedRef {
  name: string;
  tag?: string;
  digest?: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

/** Splits a reference, or returns a sentence saying what is malformed. */
export function parseRef(ref: string): ParsedRef | string {
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  if (digest !== undefined && !DIGEST.test(digest))
    return `the digest \`${digest}\` is not algorithm:hex`;
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  const hasTag = colon > slash;
  const name = hasTag ? rest.slice(0, colon) : rest;
  const tag = hasTag ? rest.slice(colon + 1) : undefined;
  if (tag !== undefined && !TAG.test(tag)) return `the tag \`${tag}\` is not a valid tag`;
  const nameProblem = checkName(name);
  if (nameProblem) return nameProblem;
  return {
    name,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

function checkName(name: string): string | undefined {
  const parts = name.split("/");
  const first = parts[0] ?? "";
  const hasHost =
    parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasHost && !HOST.test(first)) return `the registry host \`${first}\` is not a host name`;
  const path = hasHost ? parts.slice(1) : parts;
  const bad = path.find((c) => !COMPONENT.test(c));
  if (bad !== undefined)
    return `\`${bad}\` is not a valid repository name part (lowercase letters, digits, . _ -)`;
  return undefined;
}
