import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { log } from "../../util/log.js";

export interface Credentials {
  username: string;
  password: string;
  /** Where they came from, for messages (never the secret itself). */
  from: string;
}

/** The environment variable for one registry: CHEFER_REGISTRY_AUTH_<host with _ for . : ->. */
export function hostAuthVariable(registry: string): string {
  return `CHEFER_REGISTRY_AUTH_${registry.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/**
 * Credentials for a registry, first found wins: CHEFER_REGISTRY_AUTH_<HOST>=user:pass, then
 * CHEFER_REGISTRY_AUTH=user:pass (every registry), then `auths` in the Docker config file
 * ($DOCKER_CONFIG/config.json or ~/.docker/config.json). None means anonymous.
 */
export async function findCredentials(registry: string): Promise<Credentials | undefined> {
  const perHost = hostAuthVariable(registry);
  const fromEnv =
    splitPair(process.env[perHost], perHost) ??
    splitPair(process.env.CHEFER_REGISTRY_AUTH, "CHEFER_REGISTRY_AUTH");
  return fromEnv ?? (await fromDockerConfig(registry));
}

function splitPair(value: string | undefined, from: string): Credentials | undefined {
  if (!value) return undefined;
  const colon = value.indexOf(":");
  if (colon < 0) {
    log.warn(`${from} is not user:password; ignoring it`);
    return undefined;
  }
  return { username: value.slice(0, colon), password: value.slice(colon + 1), from };
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Docker Hub is stored under its old v1 URL; other registries under their host. */
function configKeys(registry: string): string[] {
  if (registry === "docker.io")
    return ["https://index.docker.io/v1/", "index.docker.io", "docker.io"];
  return [
    registry,
    `https://${registry}`,
    `http://${registry}`,
    `https://${registry}/v1/`,
    `https://${registry}/v2/`,
  ];
}

async function fromDockerConfig(registry: string): Promise<Credentials | undefined> {
  const dir = process.env.DOCKER_CONFIG ?? join(homedir(), ".docker");
  const file = join(dir, "config.json");
  const text = await readFile(file, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  let config: DockerConfig;
  try {
    config = JSON.parse(text) as DockerConfig;
  } catch {
    log.warn(`${file} is not valid JSON; pulling ${registry} without its credentials`);
    return undefined;
  }
  for (const key of configKeys(registry)) {
    const entry = config.auths?.[key];
    if (entry?.username && entry.password)
      return { username: entry.username, password: entry.password, from: file };
    if (entry?.auth) return splitPair(Buffer.from(entry.auth, "base64").toString("utf8"), file);
  }
  if (config.credHelpers?.[registry] || config.credsStore) {
    // TODO(limitation): Docker credential helpers are not run; only inline `auths` entries are read.
    log.debug(`${file} uses a credential helper for ${registry}; chefer does not run helpers`);
  }
  return undefined;
}
