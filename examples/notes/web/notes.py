"""Keeps notes in PostgreSQL. GET / lists them, one a line, oldest first; POST /notes adds the
request body as a note; GET /health answers without touching the database."""
import contextlib
import http.server
import os

import psycopg2

DB = {
    "host": os.environ.get("DB_HOST", "db"),
    "dbname": os.environ.get("DB_NAME", "notes"),
    "user": os.environ.get("DB_USER", "notes"),
    "password": os.environ.get("DB_PASSWORD", ""),
    "connect_timeout": 5,
}


def query(sql: str, args: tuple = ()) -> list:
    """Runs one statement in its own connection and transaction; returns its rows, if any."""
    # psycopg2's "with conn" ends the transaction but keeps the connection open; closing() ends
    # it too, so no idle session delays the database's shutdown.
    with contextlib.closing(psycopg2.connect(**DB)) as conn, conn, conn.cursor() as cur:
        cur.execute(sql, args)
        return cur.fetchall() if cur.description else []


class Handler(http.server.BaseHTTPRequestHandler):
    def reply(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/health":
            return self.reply(200, "ok\n")
        if self.path != "/":
            return self.reply(404, "not found\n")
        rows = query("SELECT body FROM notes ORDER BY id")
        self.reply(200, "".join(f"{body}\n" for (body,) in rows))

    def do_POST(self) -> None:
        if self.path != "/notes":
            return self.reply(404, "not found\n")
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode().strip()
        if not body:
            return self.reply(400, "a note needs a body\n")
        (note_id,) = query("INSERT INTO notes (body) VALUES (%s) RETURNING id", (body,))[0]
        self.reply(201, f"note {note_id} added\n")


if __name__ == "__main__":
    # depends_on waits for the database to be healthy, so it accepts connections by now.
    query("CREATE TABLE IF NOT EXISTS notes (id serial PRIMARY KEY, body text NOT NULL)")
    print("web: listening on :8080", flush=True)
    http.server.ThreadingHTTPServer(("0.0.0.0", 8080), Handler).serve_forever()
