import { UserError } from "../../../util/errors.js";
import type { Failure } from "../wizard-state.js";

/**
 * What a screen shows for a failed phase. A UserError is the user's to fix and shows as it
 * is; anything else is a bug, carried in `bug` so the wizard can close and the CLI print its
 * stack.
 */
export function failureOf(error: unknown): Failure {
  if (error instanceof UserError)
    return { message: error.message, fix: error.fix, problems: error.problems };
  return { message: String(error), problems: [], bug: error };
}
