import { EnvironmentError, UserError } from "../../util/errors.js";
import { log } from "../../util/log.js";
import { findCredentials, hostAuthVariable, type Credentials } from "./registry-auth.js";
import { isLoopback, type RegistryRef } from "./reference.js";

export interface ClientOptions {
  /** Hosts (host[:port]) reached over plain http besides loopback ones. */
  insecureRegistries?: string[];
  /** A download that receives nothing for this long is abandoned and retried (default 60 s). */
  idleTimeoutMs?: number;
}

const IDLE_TIMEOUT_MS = 60_000;

/** The registries named in CHEFER_INSECURE_REGISTRIES (comma-separated host[:port]). */
export function insecureFromEnv(): string[] {
  return (process.env.CHEFER_INSECURE_REGISTRIES ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The registry could not be reached at all (refused, reset, no route, name unknown). */
export class RegistryUnreachable extends EnvironmentError {}

/**
 * Talks to one repository of a registry through the OCI distribution API, answering its
 * auth challenge once: Basic with the user's credentials, or Bearer with a token fetched from
 * the realm it names (anonymously, or with the credentials when there are some).
 */
export class RegistryClient {
  private authorization: string | undefined;
  private credentials: Credentials | undefined | null = null;
  /** The repository's API root, http or https. */
  readonly base: string;
  readonly idleTimeoutMs: number;

  constructor(
    readonly ref: RegistryRef,
    options: ClientOptions = {},
  ) {
    const plain =
      isLoopback(ref.apiHost) ||
      [...(options.insecureRegistries ?? []), ...insecureFromEnv()].includes(ref.registry);
    this.base = `${plain ? "http" : "https"}://${ref.apiHost}/v2/${ref.repository}`;
    this.idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  }

  /** GETs (or HEADs) a path under the repository, authenticating when challenged. */
  async get(
    path: string,
    headers: Record<string, string> = {},
    method = "GET",
    signal?: AbortSignal,
  ): Promise<Response> {
    let response = await this.send(path, headers, method, signal);
    if (response.status === 401) {
      await response.body?.cancel();
      await this.answerChallenge(response.headers.get("www-authenticate") ?? "");
      response = await this.send(path, headers, method, signal);
      if (response.status === 401 || response.status === 403) throw await this.authFailed();
    }
    return response;
  }

  private async send(
    path: string,
    headers: Record<string, string>,
    method: string,
    signal?: AbortSignal,
  ): Promise<Response> {
    const url = `${this.base}/${path}`;
    log.debug(`${method} ${url}`);
    try {
      const auth: Record<string, string> = this.authorization
        ? { authorization: this.authorization }
        : {};
      return await fetch(url, {
        method,
        headers: { ...headers, ...auth },
        redirect: "follow",
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw new RegistryUnreachable(
        `cannot reach registry ${this.ref.apiHost}: ${causeText(error)}`,
        {
          fix: `check the network and the host name; for a plain-http registry add --insecure-registry ${this.ref.registry}`,
          cause: error,
        },
      );
    }
  }

  private async creds(): Promise<Credentials | undefined> {
    if (this.credentials === null) this.credentials = await findCredentials(this.ref.registry);
    return this.credentials;
  }

  private async answerChallenge(challenge: string): Promise<void> {
    const scheme = challenge.split(" ")[0]?.toLowerCase();
    const creds = await this.creds();
    if (scheme === "basic") {
      if (!creds) throw await this.authFailed();
      this.authorization = basic(creds);
    } else if (scheme === "bearer") {
      this.authorization = `Bearer ${await this.token(parseChallenge(challenge), creds)}`;
    } else {
      throw new EnvironmentError(
        `registry ${this.ref.apiHost} asks for unsupported auth "${challenge}"`,
      );
    }
  }

  private async token(
    params: Record<string, string>,
    creds: Credentials | undefined,
  ): Promise<string> {
    if (!params.realm)
      throw new EnvironmentError(
        `registry ${this.ref.apiHost} sent a Bearer challenge without a realm`,
      );
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set("service", params.service);
    url.searchParams.set("scope", params.scope ?? `repository:${this.ref.repository}:pull`);
    const response = await fetch(url, {
      headers: creds ? { authorization: basic(creds) } : {},
    }).catch((e: unknown) => {
      throw new EnvironmentError(`cannot reach the token service ${url.host}: ${causeText(e)}`, {
        cause: e,
      });
    });
    if (!response.ok) throw await this.authFailed(`the token service answered ${response.status}`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw await this.authFailed("the token service returned no token");
    return token;
  }

  private async authFailed(detail = "credentials were refused or are missing"): Promise<UserError> {
    const creds = await this.creds();
    const using = creds ? `using credentials from ${creds.from}` : "anonymously";
    return new EnvironmentError(
      `authentication to ${this.ref.registry} failed (${using}): ${detail}`,
      {
        fix:
          `set ${hostAuthVariable(this.ref.registry)}=user:password (or CHEFER_REGISTRY_AUTH), ` +
          `or \`docker login ${this.ref.registry}\`, and check that the account may pull ${this.ref.repository}`,
      },
    );
  }
}

function basic(c: Credentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
}

/** Parses `Bearer realm="…",service="…",scope="…"` into its parameters. */
export function parseChallenge(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const m of header.matchAll(/(\w+)="([^"]*)"/g)) params[m[1] as string] = m[2] as string;
  return params;
}

function causeText(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
