import type { CommandModule } from "yargs";
import { versionCommand } from "./version.js";

/** Every command the CLI offers, in the order `chefer --help` lists them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [versionCommand];
