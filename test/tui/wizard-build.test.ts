import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRuntime } from "../../src/runtime/kit.js";
import { cheferBin } from "../support/cli.js";
import { pushHello } from "./support/hello-image.js";
import { openTerminal, tmuxMissing, type TmuxTerminal } from "./support/tmux.js";

/** Why this machine cannot run the test: it needs tmux, the test registry and a built kit. */
async function missing(): Promise<string | undefined> {
  if (tmuxMissing()) return tmuxMissing();
  if (!process.env.CHEFER_TEST_REGISTRY)
    return "needs the test registry: run `bash scripts/services.sh start && source /tmp/chefer-test/env`";
  const runtime = await findRuntime("x86_64-linux").catch(() => undefined);
  if (!runtime) return "needs kit/chefer-runtime-x86_64-linux: run `make -C native kit`";
  if (process.arch !== "x64") return "builds for x86_64-linux and runs the result here";
  return undefined;
}

/** Tabs through the log panes (the services', then the app's own output) until one shows `pattern`. */
async function seeInSomePane(term: TmuxTerminal, pattern: RegExp): Promise<void> {
  for (let pane = 0; pane < 3; pane++) {
    if (await term.waitFor(pattern, 5_000).catch(() => undefined)) return;
    term.keys("Tab");
  }
  assert.fail(`no log pane showed ${pattern}:\n${term.screen()}`);
}

function compose(ref: string): string {
  return [
    "name: tuihello",
    "services:",
    "  hello:",
    `    image: ${ref}`,
    '    command: ["/bin/busybox", "sh", "-c", "echo hello from the wizard; exec /bin/busybox sleep 300"]',
    "",
  ].join("\n");
}

async function setUp(t: TestContext): Promise<string | undefined> {
  const why = await missing();
  if (why && process.env.CI) throw new Error(why);
  if (why) {
    t.skip(why);
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), "chefer-wizard-build-"));
  writeFileSync(
    join(dir, "compose.yaml"),
    compose(await pushHello(process.env.CHEFER_TEST_REGISTRY ?? "", dir)),
  );
  return dir;
}

test("the wizard takes a compose file to a built executable and runs it under the dashboard", async (t) => {
  const dir = await setUp(t);
  if (!dir) return;
  const term = openTerminal(
    `env -u CI NO_COLOR=1 ${process.execPath} ${cheferBin} wizard compose.yaml; echo "exit status $?"; sleep 60`,
    { cwd: dir },
  );
  try {
    await term.waitFor(/Diagnostics for compose\.yaml/);
    term.keys("Enter");
    assert.match(await term.waitFor(/Services/), /› \[x\] hello/);
    term.keys("Enter");
    assert.match(await term.waitFor(/App name/), /name: tuihello_/);
    term.keys("Enter");
    await term.waitFor(/Targets/);
    term.keys("Enter");
    await term.waitFor(/Ready to build/);
    term.keys("Enter");
    const built = await term.waitFor(/chefer · Built/, 120_000);
    const exe = join(dir, "dist", "tuihello-x86_64-linux");
    assert.match(built.replace(/\n/g, ""), new RegExp(`x86_64-linux +${exe}`));
    assert.ok(existsSync(exe), `${exe} exists`);
    assert.match(readFileSync(join(dir, "appcipe.yml"), "utf8"), /chefer-tui\/hello:1/);
    term.keys("Enter");
    assert.match(await term.waitFor(/tuihello {2}running/, 60_000), /hello +\w+ +0 /);
    await seeInSomePane(term, /hello from the wizard/);
    term.keys("q");
    const closed = await term.waitFor(/exit status/, 30_000);
    const status = /exit status (\d+)/.exec(closed)?.[1];
    assert.match(closed, new RegExp(`the app exited with code ${status}\nexit status ${status}`));
  } finally {
    term.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
