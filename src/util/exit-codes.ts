/**
 * Every exit status chefer's CLI uses, in one table. The packed app's runtime
 * keeps its own table in native/src/exit-codes.h; the two agree where they overlap.
 */
export const ExitCode = {
  ok: 0,
  /** The input is wrong (recipe, compose file, flags): the user must act. */
  userError: 1,
  /** Command-line usage is wrong (unknown flag, missing argument). */
  usage: 2,
  /** Warnings were found and --strict turns them into a failure. */
  strictWarnings: 3,
  /** Something outside chefer failed: the Docker engine, a registry, the disk. */
  environment: 4,
  /** A bug in chefer itself. */
  bug: 70,
  /** Interrupted by SIGINT. */
  interrupted: 130,
} as const;

export type ExitCodeName = keyof typeof ExitCode;
