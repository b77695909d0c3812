import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ociLayoutFiles, sha256, type TestImage } from "./images.js";

/** What the token endpoint saw, so tests can tell anonymous from authenticated requests. */
export interface TokenRequest {
  authorization?: string;
  scope: string | null;
  service: string | null;
}

export interface MiniRegistry {
  host: string;
  tokenRequests: TokenRequest[];
  /** Every API request, as "METHOD /path". */
  requests: string[];
  /** Replaces a blob's bytes as served (to test digest checks). */
  tamper(digest: string, bytes: Buffer): void;
  close(): Promise<void>;
}

/**
 * A tiny registry on loopback that serves one repository from memory and demands a Bearer
 * token from its own token endpoint, the flow Docker Hub and most public registries use.
 * The real registry of scripts/services.sh only does anonymous and Basic access.
 */
export async function startMiniRegistry(
  repo: string,
  tag: string,
  images: TestImage[],
): Promise<MiniRegistry> {
  const files = ociLayoutFiles(images, { index: images.length > 1 });
  const blobs = new Map<string, Buffer>();
  for (const [name, body] of Object.entries(files)) {
    if (name.startsWith("blobs/")) blobs.set(`sha256:${name.slice(13)}`, Buffer.from(body));
  }
  const index = JSON.parse(String(files["index.json"])) as {
    manifests: { digest: string; mediaType: string }[];
  };
  const root = index.manifests[0] as { digest: string; mediaType: string };
  const tokenRequests: TokenRequest[] = [];
  const requests: string[] = [];
  const server: Server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", `http://${host}`);
    requests.push(`${req.method} ${url.pathname}`);
    if (url.pathname === "/token") {
      tokenRequests.push({
        authorization: req.headers.authorization,
        scope: url.searchParams.get("scope"),
        service: url.searchParams.get("service"),
      });
      return void res.end(JSON.stringify({ token: "t0ken" }));
    }
    if (req.headers.authorization !== "Bearer t0ken") {
      res.writeHead(401, {
        "www-authenticate": `Bearer realm="http://${host}/token",service="mini",scope="repository:${repo}:pull"`,
      });
      return void res.end();
    }
    const prefix = `/v2/${repo}/`;
    const rest = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : "";
    const [kind, ref] = rest.split("/") as [string, string];
    const digest = kind === "manifests" && ref === tag ? root.digest : ref;
    const body = blobs.get(digest);
    if (!body) return void res.writeHead(404).end();
    const type = kind === "manifests" ? root.mediaType : "application/octet-stream";
    res.writeHead(200, {
      "content-type": type,
      "docker-content-digest": digest,
      "content-length": body.length,
    });
    res.end(req.method === "HEAD" ? undefined : body);
  }

  return {
    host,
    tokenRequests,
    requests,
    tamper: (digest, bytes) => blobs.set(digest, bytes),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export { sha256 };
