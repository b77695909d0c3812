import { render } from "ink";
import { holdStderr } from "../hold-stderr.js";
import { ThemeContext, themeFor } from "../theme.js";
import type { WizardOutcome, WizardPipeline } from "./pipeline.js";
import { WizardApp } from "./wizard-app.js";

/**
 * Opens the wizard on the terminal and resolves with its exit status once it closes. The
 * screen is gone by then, so the outcome's summary goes to stderr where it stays readable,
 * after the log lines written while the screen was up.
 * A bug inside a phase is rethrown for the CLI to report.
 */
export async function runWizard(options: {
  cwd: string;
  file?: string;
  pipeline: WizardPipeline;
}): Promise<number> {
  let outcome: WizardOutcome = { exitCode: 0 };
  let bug: unknown;
  const stderr = holdStderr();
  const instance = render(
    <ThemeContext.Provider value={themeFor()}>
      <WizardApp
        cwd={options.cwd}
        file={options.file}
        pipeline={options.pipeline}
        onExit={(o, b) => {
          outcome = o;
          bug = b;
        }}
      />
    </ThemeContext.Provider>,
    { exitOnCtrlC: false },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    stderr.release();
  }
  if (bug !== undefined) throw bug;
  if (outcome.summary) process.stderr.write(`${outcome.summary}\n`);
  return outcome.exitCode;
}
