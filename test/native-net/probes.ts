import { createSocket, type Socket } from "node:dgram";
import { get } from "node:http";
import { connect } from "node:net";

/** GETs a URL from the host; resolves with the body, or the error's code. */
export function httpGet(url: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve) => {
    const req = get(url, { timeout: timeoutMs }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve(body));
    });
    req.on("timeout", () => req.destroy(new Error("ETIMEDOUT")));
    req.on("error", (e: NodeJS.ErrnoException) => resolve(`error ${e.code ?? e.message}`));
  });
}

/** Sends one datagram from the host and resolves with the answer, or "timeout". */
export function udpAsk(port: number, text: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const sock = createSocket("udp4");
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    function finish(answer: string): void {
      clearTimeout(timer);
      sock.close();
      resolve(answer);
    }
    sock.on("message", (m) => finish(m.toString()));
    sock.on("error", (e) => finish(`error ${e.message}`));
    sock.send(text, port, "127.0.0.1");
  });
}

/** Tries a TCP connection from the host: "connected", or how it failed. */
export function tcpTry(host: string, port: number, timeoutMs = 1500): Promise<string> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const timer = setTimeout(() => finish("timeout"), timeoutMs);
    function finish(result: string): void {
      clearTimeout(timer);
      sock.destroy();
      resolve(result);
    }
    sock.on("connect", () => finish("connected"));
    sock.on("error", (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
  });
}

/** Sends one datagram from an existing socket (so the client address stays the same). */
export function udpExchange(sock: Socket, port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish("timeout"), 2000);
    function finish(answer: string): void {
      clearTimeout(timer);
      sock.off("message", onMessage);
      resolve(answer);
    }
    function onMessage(m: Buffer): void {
      finish(m.toString());
    }
    sock.on("message", onMessage);
    sock.send(text, port, "127.0.0.1");
  });
}

/** The service-side source port in an udp-echo answer: "<hostname> <port> <text>". */
export function senderPort(answer: string): string {
  return answer.split(" ")[1] ?? "";
}

/** Starts a GET of a large file, drops the connection after its first data, and resolves
 * with how many bytes arrived. */
export function readThenDrop(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const sock = connect({ host: "127.0.0.1", port });
    sock.on("connect", () => sock.write(`GET ${path} HTTP/1.0\r\n\r\n`));
    sock.once("data", (d: Buffer) => {
      sock.resetAndDestroy();
      resolve(d.length);
    });
    sock.on("error", () => resolve(0));
  });
}
