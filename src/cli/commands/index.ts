import type { CommandModule } from "yargs";
import { versionCommand } from "./version.js";
import { initCommand } from "./init.js";
import { checkCommand } from "./check.js";
import { fromComposeCommand } from "./from-compose.js";
import { buildCommand } from "./build.js";
import { inspectCommand } from "./inspect.js";
import { runCommand } from "./run.js";
import { wizardCommand } from "./wizard.js";
import { doctorCommand } from "./doctor.js";

/** Every command the CLI offers, in the order `chefer --help` lists them: the pipeline first. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [
  fromComposeCommand,
  initCommand,
  checkCommand,
  buildCommand,
  runCommand,
  inspectCommand,
  wizardCommand,
  doctorCommand,
  versionCommand,
];
