import { UserError } from "../../util/errors.js";

/** A registry reference split into the parts the distribution API needs. */
export interface RegistryRef {
  /** The registry as the user wrote it (`docker.io` when omitted), used for credentials. */
  registry: string;
  /** The host the API lives on (`registry-1.docker.io` for Docker Hub). */
  apiHost: string;
  repository: string;
  tag?: string;
  digest?: string;
  /** The reference as given, for messages. */
  text: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

function refError(ref: string, what: string, fix: string): UserError {
  return new UserError(`image reference "${ref}": ${what}`, { fix });
}

/**
 * Parses `[host[:port]/]path[:tag][@sha256:hex]`. The first part is a host when it has a dot
 * or a port or is `localhost`, as Docker decides. A reference must be pinned: a tag other than
 * `latest`, or a digest, so the same recipe builds the same executable tomorrow.
 */
export function parseRegistryRef(ref: string): RegistryRef {
  const at = ref.indexOf("@");
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const rest = at >= 0 ? ref.slice(0, at) : ref;
  if (digest !== undefined && !DIGEST.test(digest)) {
    throw refError(
      ref,
      `the digest "${digest}" is not sha256:<64 hex digits>`,
      "copy the digest again",
    );
  }
  const slash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  const tag = colon > slash ? rest.slice(colon + 1) : undefined;
  const name = colon > slash ? rest.slice(0, colon) : rest;
  const parts = name.split("/");
  const first = parts[0] ?? "";
  const hasHost = parts.length > 1 && (/[.:]/.test(first) || first === "localhost");
  const registry = hasHost ? first : "docker.io";
  let repository = hasHost ? parts.slice(1).join("/") : name;
  if (registry === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
  if (!/^[a-z0-9]+(?:[._/-]+[a-z0-9]+)*$/.test(repository)) {
    throw refError(
      ref,
      `"${repository}" is not a repository name`,
      "use lowercase letters, digits, . _ - and /",
    );
  }
  checkPinned(ref, tag, digest);
  const apiHost = registry === "docker.io" ? "registry-1.docker.io" : registry;
  return { registry, apiHost, repository, tag, digest, text: ref };
}

function checkPinned(ref: string, tag: string | undefined, digest: string | undefined): void {
  if (digest) return;
  if (tag === undefined || tag === "latest") {
    throw refError(
      ref,
      tag
        ? "the tag `latest` moves, so builds would not be repeatable"
        : "it names no tag or digest",
      `pin it: "${ref.replace(/:latest$/, "")}:<version>" or "…@sha256:<digest>"`,
    );
  }
}

/** True for hosts on this machine, where plain http is allowed without asking. */
export function isLoopback(host: string): boolean {
  const name = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return name === "localhost" || name === "::1" || /^127\.\d+\.\d+\.\d+$/.test(name);
}
