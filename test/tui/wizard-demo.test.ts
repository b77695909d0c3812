import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cheferBin, repoRoot } from "../support/cli.js";
import { openTerminal, tmuxMissing } from "./support/tmux.js";

const dockerHost = process.env.CHEFER_TEST_DOCKER_HOST;
const kit = join(repoRoot, "kit", "chefer-runtime-x86_64-linux");

/** Why this machine cannot run the test: tmux, a Docker engine and the kit's runtime. */
function whyNot(): string | undefined {
  if (tmuxMissing()) return tmuxMissing();
  if (!dockerHost) return "needs the test Docker engine: run `bash scripts/services.sh start`";
  if (!existsSync(kit)) return "needs kit/chefer-runtime-x86_64-linux: run `make -C native kit`";
  if (process.arch !== "x64") return "builds for x86_64-linux and runs the result here";
  return undefined;
}

function baseImage(): void {
  const r = spawnSync("bash", [join(repoRoot, "examples/make-base-image.sh")], {
    env: { ...process.env, DOCKER_HOST: dockerHost },
    stdio: ["ignore", "ignore", "inherit"],
  });
  assert.equal(r.status, 0, "examples/make-base-image.sh failed");
}

function leftovers(): string {
  return spawnSync("pgrep", ["-a", "-f", "wizdemo-x86_64-linux"]).stdout.toString().trim();
}

// The port is left unpublished and the app renamed, so this can run beside the e2e demo
// test, which publishes 18080 and keeps its data under the name `visits`.
test("the wizard takes the shipped visits demo from its compose file to a running app and a clean quit", async (t) => {
  const why = whyNot();
  if (why && process.env.CI) throw new Error(why);
  if (why) return t.skip(why);
  baseImage();
  const dir = mkdtempSync(join(tmpdir(), "chefer-wizard-demo-"));
  cpSync(join(repoRoot, "examples/demo"), join(dir, "demo"), { recursive: true });
  mkdirSync(join(dir, "home"));
  const env = `env -u CI NO_COLOR=1 HOME=${dir}/home DOCKER_HOST=${dockerHost}`;
  const term = openTerminal(
    `${env} ${process.execPath} ${cheferBin} wizard compose.yaml; echo "exit status $?"; sleep 60`,
    { cwd: join(dir, "demo") },
  );
  try {
    await term.waitFor(/Diagnostics for compose\.yaml/);
    term.keys("Enter");
    assert.match(await term.waitFor(/Services/), /\[x\] redis[\s\S]*\[x\] web/);
    term.keys("Enter");
    assert.match(await term.waitFor(/Ports/), /\[x\] web +127\.0\.0\.1:18080 -> 8080\/tcp/);
    term.keys("Space");
    assert.match(await term.waitFor(/\[ \] web/), /\[ \] web/);
    term.keys("Enter");
    assert.match(await term.waitFor(/Volumes/), /\[x\] redis-data/);
    term.keys("Enter");
    await term.waitFor(/name: visits_/);
    // One key at a time, as a person types: a burst arrives as one chunk of input.
    for (const left of ["visit", "visi", "vis", "vi", "v", ""]) {
      term.keys("BSpace");
      await term.waitFor(new RegExp(`name: ${left}_`));
    }
    term.keys("-l", "wizdemo");
    await term.waitFor(/name: wizdemo_/);
    term.keys("Enter");
    await term.waitFor(/Targets/);
    term.keys("Enter");
    assert.match(await term.waitFor(/Ready to build/), /services +redis, web/);
    term.keys("Enter");
    const built = await term.waitFor(/chefer · Built/, 280_000);
    assert.match(built, /x86_64-linux +\S*wizdemo-x86_64-linux/);
    term.keys("Enter");
    // web starts only once redis is healthy (depends_on: service_healthy).
    const running = await term.waitFor(/web +running/, 90_000);
    assert.match(running, /wizdemo {2}running/);
    assert.match(running, /redis +healthy/);
    term.keys("q");
    assert.match(
      await term.waitFor(/exit status \d+/, 30_000),
      /exited with code 0\nexit status 0/,
    );
    assert.equal(leftovers(), "");
  } finally {
    term.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
