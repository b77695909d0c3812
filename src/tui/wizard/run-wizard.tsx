import { render } from "ink";
import { ThemeContext, themeFor } from "../theme.js";
import type { WizardOutcome, WizardPipeline } from "./pipeline.js";
import { WizardApp } from "./wizard-app.js";

/**
 * Opens the wizard on the terminal and resolves with its exit status once it closes. The
 * screen is gone by then, so the outcome's summary goes to stderr where it stays readable.
 * A bug inside a phase is rethrown for the CLI to report.
 */
export async function runWizard(options: {
  cwd: string;
  file?: string;
  pipeline: WizardPipeline;
}): Promise<number> {
  let outcome: WizardOutcome = { exitCode: 0 };
  let bug: unknown;
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
  await instance.waitUntilExit();
  if (bug !== undefined) throw bug;
  if (outcome.summary) process.stderr.write(`${outcome.summary}\n`);
  return outcome.exitCode;
}
