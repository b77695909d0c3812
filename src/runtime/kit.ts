import { access, constants } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UserError } from "../util/errors.js";

/** The targets chefer builds for, as docs/format.md "Targets" lists them. */
export const TARGETS = ["x86_64-linux", "aarch64-linux"] as const;
export type Target = (typeof TARGETS)[number];

/** The package root: kit/ ships beside lib/ (and beside src/ in a checkout). */
const packageRoot = fileURLToPath(new URL("../..", import.meta.url));

/** The target of the machine chefer runs on. */
export function hostTarget(): Target {
  if (process.platform === "linux" && process.arch === "x64") return "x86_64-linux";
  if (process.platform === "linux" && process.arch === "arm64") return "aarch64-linux";
  throw new UserError(`this machine (${process.platform}/${process.arch}) is not a chefer target`, {
    fix: `build with --target ${TARGETS.join(" or --target ")} and run the result on such a machine`,
  });
}

/** Checks a --target value. */
export function parseTarget(value: string): Target {
  if ((TARGETS as readonly string[]).includes(value)) return value as Target;
  throw new UserError(`unknown target "${value}"`, { fix: `use one of: ${TARGETS.join(", ")}` });
}

/** The directories searched for runtimes, in order: --kit-dir, CHEFER_KIT_DIR, <package>/kit. */
export function kitDirs(flagDirs: string[] = [], packageKit = join(packageRoot, "kit")): string[] {
  const env = process.env.CHEFER_KIT_DIR;
  return [...flagDirs.map((d) => resolve(d)), ...(env ? [resolve(env)] : []), packageKit];
}

/** The file name of a target's runtime inside a kit directory. */
export function runtimeName(target: Target): string {
  return `chefer-runtime-${target}`;
}

/** Finds the runtime for a target, or says where it looked and how to get one. */
export async function findRuntime(
  target: Target,
  flagDirs: string[] = [],
  packageKit?: string,
): Promise<string> {
  const dirs = kitDirs(flagDirs, packageKit);
  for (const dir of dirs) {
    const path = join(dir, runtimeName(target));
    if (
      await access(path, constants.R_OK).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  throw new UserError(
    `no runtime for ${target}: looked for ${runtimeName(target)} in ${dirs.join(", ")}`,
    {
      fix:
        "build the kit with `make -C native kit` in the chefer checkout (or run scripts/setup.sh), " +
        "or point --kit-dir or CHEFER_KIT_DIR at a directory that has it",
    },
  );
}
