import { connect, createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

/** Where a proxy listens or forwards: a TCP port on loopback or a unix socket path. */
export type Endpoint = { port: number } | { path: string };

export interface CutRule {
  /** Cuts responses to requests whose request line (e.g. "GET /v2/…/blobs/sha256:…") matches. */
  match: RegExp;
  /** Bytes of the response (headers included) let through before the cut. */
  afterBytes: number;
  /** How many responses to cut; later ones pass whole. */
  times: number;
  /** Instead of closing the connection, flip the bits of the byte at `afterBytes` and go on. */
  flip?: boolean;
  /** Instead of closing the connection, send nothing more and keep it open. */
  stall?: boolean;
}

export interface CutProxy {
  /** `127.0.0.1:port`, or the socket path. */
  address: string;
  /** Responses cut so far. */
  cuts: number;
  /** The head of every request seen (request line and headers). */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A byte-level proxy that forwards HTTP connections to a real server and closes a connection
 * in the middle of the responses a rule names (a registry dropping a blob download, a Docker
 * engine going away during an export), stops sending them (a registry that hangs), or
 * damages one byte of them.
 */
export async function startCutProxy(
  target: Endpoint,
  listen: Endpoint,
  rule: CutRule,
): Promise<CutProxy> {
  const sockets = new Set<Socket>();
  const proxy: CutProxy = {
    address: "",
    cuts: 0,
    requests: [],
    close: () => close(server, sockets),
  };
  const server = createServer((client) => relay(client, connect(target as never), proxy, rule));
  server.on("connection", (s) => track(sockets, s));
  await new Promise<void>((resolve) => server.listen(listen as never, resolve));
  proxy.address =
    "path" in listen ? listen.path : `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

function track(sockets: Set<Socket>, s: Socket): void {
  sockets.add(s);
  s.on("close", () => sockets.delete(s));
}

function relay(client: Socket, upstream: Socket, proxy: CutProxy, rule: CutRule): void {
  let armed = false;
  let sent = 0;
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("data", (chunk: Buffer) => {
    const head = chunk.toString("latin1");
    if (/^[A-Z]+ \S+ HTTP\/1\.1\r\n/.test(head)) {
      proxy.requests.push(head.split("\r\n\r\n")[0] as string);
      armed = rule.times > proxy.cuts && rule.match.test(head.split("\r\n")[0] as string);
      sent = 0;
    }
    upstream.write(chunk);
  });
  upstream.on("data", (chunk: Buffer) => {
    if (armed && sent + chunk.length > rule.afterBytes) {
      proxy.cuts++;
      armed = false;
      if (!rule.flip) {
        client.write(chunk.subarray(0, rule.afterBytes - sent));
        if (!rule.stall) return end();
        upstream.pause();
        upstream.removeAllListeners("data");
        return;
      }
      const at = rule.afterBytes - sent;
      chunk[at] = (chunk[at] as number) ^ 0xff;
    }
    sent += chunk.length;
    client.write(chunk);
  });
  client.on("close", end);
  upstream.on("close", end);
  client.on("error", end);
  upstream.on("error", end);
}

function close(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const s of sockets) s.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}
