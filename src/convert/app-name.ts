/**
 * The app name: `--name`, else the project name. App names become file and directory names
 * on the user's machine, so they must start with a letter; a project name that does not
 * (Compose allows a leading digit) gets an `app-` prefix, and says so.
 */
import { UserError } from "../util/errors.js";
import type { Diagnostics } from "./diagnostics.js";

const APP_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export function appName(
  flag: string | undefined,
  project: string,
  file: string,
  diags: Diagnostics,
): string {
  if (flag !== undefined) {
    if (APP_NAME.test(flag)) return flag;
    throw new UserError(`--name ${JSON.stringify(flag)} is not a valid app name`, {
      fix: "use letters, digits, _ and -, start with a letter, at most 64 characters",
    });
  }
  if (APP_NAME.test(project)) return project;
  const name = `app-${project}`.slice(0, 64);
  diags.warn({
    code: "compose/app-name",
    at: { file, line: 1, col: 1 },
    message: `the project name "${project}" does not start with a letter; the app is named "${name}"`,
    fix: "choose the name with --name",
  });
  return name;
}
