import { render } from "ink";
import { basename } from "node:path";
import { holdStderr } from "../hold-stderr.js";
import { KeyRouter } from "../keys.js";
import { ThemeContext, themeFor } from "../theme.js";
import { LiveDashboard } from "./live-dashboard.js";
import type { AppExit } from "./use-running-app.js";

/**
 * Runs a packed app under the dashboard until it exits and returns its exit status. For a
 * terminal only: callers check `process.stdin.isTTY && process.stdout.isTTY` and run the app
 * plainly otherwise.
 */
export async function runDashboard(executable: string, args: string[] = []): Promise<number> {
  let result: AppExit = { code: 1 };
  const stderr = holdStderr();
  const instance = render(
    <ThemeContext.Provider value={themeFor()}>
      <KeyRouter>
        <LiveDashboard
          executable={executable}
          args={args}
          name={basename(executable)}
          onDone={(exit) => {
            result = exit;
            instance.unmount();
          }}
        />
      </KeyRouter>
    </ThemeContext.Provider>,
    { exitOnCtrlC: false },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    stderr.release();
  }
  if (result.failure) process.stderr.write(`error: ${result.failure}\n`);
  return result.code;
}
