import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { buildDriver, driverPath, runDriver, startDriver, type SupervisorEvent } from "./driver.js";

const skip = buildDriver();

test("prefixes each line with the service name, padded to the longest name", { skip }, async () => {
  const { code, stdout, stderr } = await runDriver([
    "--service",
    "web",
    "--cmd",
    "printf 'one\\ntwo\\n'; echo oops >&2",
    "--service",
    "database",
    "--cmd",
    "printf 'no newline at the end'",
  ]);

  assert.equal(code, 0);
  const lines = stdout.split("\n").sort();
  assert.deepEqual(lines, [
    "",
    "database | no newline at the end",
    "web      | one",
    "web      | two",
  ]);
  assert.equal(stderr, "web      | oops\n");
});

test("cuts a line longer than 4096 bytes into pieces and loses nothing", { skip }, async () => {
  const { stdout } = await runDriver([
    "--service",
    "long",
    "--cmd",
    "head -c 10000 /dev/zero | tr '\\0' x; echo end",
  ]);

  const pieces = stdout.trimEnd().split("\n");
  assert.deepEqual(
    pieces.map((p) => p.length - "long | ".length),
    [4096, 4096, 1811],
  );
  assert.ok(pieces.every((p) => p.startsWith("long | ")));
  assert.equal(pieces.map((p) => p.slice(7)).join(""), `${"x".repeat(10000)}end`);
});

test("colors the prefix when asked, and never when NO_COLOR is set", { skip }, async () => {
  const args = ["--color", "always", "--service", "web", "--cmd", "echo hi"];

  const colored = await runDriver(args, { env: { NO_COLOR: undefined } });
  assert.equal(colored.stdout, "\u001b[36mweb |\u001b[0m hi\n");

  const plain = await runDriver(args, { env: { NO_COLOR: "1" } });
  assert.equal(plain.stdout, "web | hi\n");
});

/** Runs the driver on a pseudo-terminal made by script(1); returns what the terminal showed. */
function onTerminal(args: string, env: Record<string, string | undefined>): string {
  const command = `${driverPath} ${args}`;
  return execFileSync("script", ["-qec", command, "/dev/null"], {
    env: { ...process.env, TERM: "xterm", ...env },
    encoding: "utf8",
  });
}

const noScript = spawnSync("script", ["--version"]).error
  ? "script(1) is not installed"
  : undefined;

test("colors the prefix on a terminal unless NO_COLOR is set", { skip: skip ?? noScript }, () => {
  const args = "--service web --cmd 'echo hi'";

  assert.equal(onTerminal(args, { NO_COLOR: undefined }), "\u001b[36mweb |\u001b[0m hi\r\n");
  assert.equal(onTerminal(args, { NO_COLOR: "1" }), "web | hi\r\n");
});

test("leaves a terminal service's output unprefixed on the inherited stdio", { skip }, async () => {
  const { code, stdout } = await runDriver([
    "--service",
    "shell",
    "--cmd",
    "sleep 0.2; echo raw line",
    "--interface",
    "terminal",
    "--service",
    "longer-name",
    "--cmd",
    "echo prefixed",
  ]);

  assert.equal(code, 0);
  assert.match(stdout, /^raw line$/m);
  assert.match(stdout, /^longer-name \| prefixed$/m);
});

const serviceStates = [
  "waiting",
  "starting",
  "running",
  "healthy",
  "unhealthy",
  "exited",
  "restarting",
  "stopped",
];

function checkFields(e: SupervisorEvent): void {
  assert.equal(typeof e.ts, "number");
  const str = (k: string) => assert.equal(typeof e[k], "string", `${e.t}.${k}`);
  const num = (k: string) => assert.equal(typeof e[k], "number", `${e.t}.${k}`);
  switch (e.t) {
    case "app":
      str("name");
      assert.ok(["starting", "running", "stopping", "exited"].includes(String(e.state)));
      if (e.state === "exited") num("exit_code");
      break;
    case "service":
      str("service");
      num("restarts");
      assert.ok(serviceStates.includes(String(e.state)), String(e.state));
      if (e.state === "starting") num("pid");
      if (e.state === "exited") num("exit_code");
      break;
    case "health":
      str("service");
      str("output");
      num("failing_streak");
      assert.ok(["starting", "healthy", "unhealthy"].includes(String(e.status)));
      break;
    case "log":
      str("service");
      str("line");
      assert.ok(["stdout", "stderr"].includes(String(e.stream)));
      break;
    case "error":
      str("message");
      break;
    default:
      assert.fail(`unexpected event type ${e.t}`);
  }
}

test(
  "writes events as JSON lines with the documented fields, logs only when asked",
  { skip },
  async () => {
    const args = [
      "--name",
      "demo",
      "--service",
      "db",
      "--cmd",
      "sleep 0.2",
      "--health",
      "echo 'quote \" and \t tab'",
      "--health-interval",
      "50",
      "--service",
      "web",
      "--cmd",
      "echo 'line with \"quotes\" and \\\\'; echo err >&2",
      "--depends",
      "db:service_healthy",
    ];

    const quiet = await runDriver(args);
    assert.deepEqual(
      quiet.events.filter((e) => e.t === "log"),
      [],
    );

    const { code, events } = await runDriver(["--events-logs", ...args]);
    assert.equal(code, 0);
    events.forEach(checkFields);
    assert.deepEqual(events[0], { t: "app", ts: events[0]!.ts, name: "demo", state: "starting" });
    assert.equal(events.find((e) => e.t === "health")?.output, 'quote " and \t tab');
    assert.deepEqual(
      events.filter((e) => e.t === "log").map((e) => [e.service, e.stream, e.line]),
      [
        ["web", "stdout", 'line with "quotes" and \\'],
        ["web", "stderr", "err"],
      ],
    );
    assert.ok(
      events.every((e, i) => i === 0 || e.ts >= events[i - 1]!.ts),
      "ts never goes back",
    );
  },
);

test("keeps the event and control fds out of the services", { skip }, async () => {
  const run = startDriver(
    [
      "--service",
      "peek",
      "--cmd",
      "for fd in 3 4; do [ -e /proc/self/fd/$fd ] && echo fd $fd leaked; done; echo checked",
    ],
    { control: true },
  );
  const { code, stdout } = await run.exited;

  assert.equal(code, 0);
  assert.equal(stdout, "peek | checked\n");
});
