import { execFile } from "node:child_process";
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
 * CHEFER_REGISTRY_AUTH=user:pass (every registry), then the Docker config file
 * ($DOCKER_CONFIG/config.json or ~/.docker/config.json): the credential helper it names for
 * this registry (`credHelpers`) or for all (`credsStore`), else its `auths`. None means
 * anonymous.
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
  const helper = config.credHelpers?.[registry] ?? config.credsStore;
  const fromHelper = helper ? await fromCredentialHelper(helper, registry, file) : undefined;
  return fromHelper ?? fromAuths(config, registry, file);
}

function fromAuths(config: DockerConfig, registry: string, file: string): Credentials | undefined {
  for (const key of configKeys(registry)) {
    const entry = config.auths?.[key];
    if (entry?.username && entry.password)
      return { username: entry.username, password: entry.password, from: file };
    if (entry?.auth) return splitPair(Buffer.from(entry.auth, "base64").toString("utf8"), file);
  }
  return undefined;
}

/** What a Docker credential helper prints for `get`. */
interface HelperReply {
  Username?: unknown;
  Secret?: unknown;
}

/**
 * Asks a Docker credential helper (`docker-credential-<name> get`, the server on stdin, JSON
 * on stdout), as docker does. A helper that is missing, fails or knows nothing of this
 * registry gives a warning or a debug line, and the pull goes on without its credentials.
 */
async function fromCredentialHelper(
  name: string,
  registry: string,
  file: string,
): Promise<Credentials | undefined> {
  const program = `docker-credential-${name}`;
  const from = `${program} (named in ${file})`;
  const server = configKeys(registry)[0] ?? registry;
  let out: string;
  try {
    out = await runHelper(program, server);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (err.code === "ENOENT")
      log.warn(
        `${file} names the credential helper ${program}, which is not on PATH; pulling ${registry} without credentials (install the helper, or set ${hostAuthVariable(registry)}=user:password)`,
      );
    else if (/credentials not found/i.test(`${err.stdout ?? ""}${err.stderr ?? ""}`))
      log.debug(`${program} has no credentials for ${registry}`);
    else
      log.warn(
        `${program} get failed for ${registry}: ${(err.stderr ?? err.message).trim()}; pulling without its credentials`,
      );
    return undefined;
  }
  return parseHelperReply(out, registry, from);
}

function runHelper(program: string, server: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      ["get"],
      { timeout: 60000, maxBuffer: 1 << 20, encoding: "utf8" },
      (err, stdout, stderr) =>
        err ? reject(Object.assign(err, { stdout, stderr })) : resolve(stdout),
    );
    child.stdin?.end(server);
  });
}

function parseHelperReply(out: string, registry: string, from: string): Credentials | undefined {
  let reply: HelperReply;
  try {
    reply = JSON.parse(out) as HelperReply;
  } catch {
    log.warn(`${from} did not answer with JSON for ${registry}; pulling without its credentials`);
    return undefined;
  }
  const { Username: username, Secret: password } = reply;
  if (typeof username !== "string" || typeof password !== "string" || !password) {
    log.warn(`${from} gave no user and secret for ${registry}; pulling without its credentials`);
    return undefined;
  }
  if (username === "<token>") {
    // TODO(limitation): identity tokens (OAuth refresh tokens) from credential helpers are not
    // exchanged for access tokens.
    log.warn(
      `${from} gave an identity token for ${registry}, which chefer cannot use yet; set CHEFER_REGISTRY_AUTH_<HOST>=user:password instead`,
    );
    return undefined;
  }
  return { username, password, from };
}
