"""Counts visits in redis and shows the count. Speaks the redis protocol directly, so the
image needs nothing but Python's standard library."""
import http.server
import os
import socket

REDIS = (os.environ.get("REDIS_HOST", "redis"), int(os.environ.get("REDIS_PORT", "6379")))


def incr(key: str) -> int:
    with socket.create_connection(REDIS, timeout=5) as conn:
        conn.sendall(f"*2\r\n$4\r\nINCR\r\n${len(key)}\r\n{key}\r\n".encode())
        reply = conn.recv(64).decode()
    if not reply.startswith(":"):
        raise RuntimeError(f"unexpected reply from redis: {reply!r}")
    return int(reply[1:].strip())


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/health":
            body = b"ok\n"
        else:
            body = f"Hello! This page has been visited {incr('visits')} times.\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    print("web: listening on :8080", flush=True)
    http.server.ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()
