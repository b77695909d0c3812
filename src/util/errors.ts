import { ExitCode } from "./exit-codes.js";

/** Where in a source file a problem sits. Lines and columns count from 1. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** One problem the user can act on: where it is, what is wrong, how to fix it. */
export interface Problem {
  /** A stable code, e.g. "recipe/unknown-key" or "compose/port-all-interfaces". */
  code: string;
  severity: "error" | "warning";
  /** Source position, when the problem comes from a file. */
  location?: SourceLocation;
  /** The YAML path, e.g. "services.web.ports[0]". */
  path?: string;
  message: string;
  /** The exact change that makes the problem go away. */
  fix?: string;
}

/**
 * An error the user must act on. Printed without a stack: where, what and the fix.
 * `problems` carries several located problems when validation found more than one.
 */
export class UserError extends Error {
  readonly exitCode: number;
  readonly fix: string | undefined;
  readonly problems: Problem[];

  constructor(
    message: string,
    options: { fix?: string; exitCode?: number; problems?: Problem[]; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "UserError";
    this.fix = options.fix;
    this.exitCode = options.exitCode ?? ExitCode.userError;
    this.problems = options.problems ?? [];
  }
}

/** Something outside chefer failed (Docker engine, registry, disk). Also no stack. */
export class EnvironmentError extends UserError {
  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(message, { ...options, exitCode: ExitCode.environment });
    this.name = "EnvironmentError";
  }
}

/** A broken invariant inside chefer. Printed with a stack so it can be reported. */
export class BugError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "BugError";
  }
}

/** Formats a location as file:line:col, the form editors and terminals link. */
export function formatLocation(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.col}`;
}

/**
 * Makes text from an input file safe to print on a terminal: control characters (escape
 * sequences that could move the cursor or retitle the window) are shown as `\xNN`.
 */
export function forTerminal(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => {
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}

/** One problem as the lines printed on stderr. */
export function formatProblem(p: Problem): string {
  const where = p.location ? `${formatLocation(p.location)}: ` : "";
  const path = p.path ? ` (${p.path})` : "";
  const head = forTerminal(`${where}${p.severity}: ${p.message}${path} [${p.code}]`);
  return p.fix ? `${head}\n  fix: ${forTerminal(p.fix)}` : head;
}

/** Sorts problems by file, line and column; problems without a location come last. */
export function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => {
    const la = a.location;
    const lb = b.location;
    if (!la || !lb) return la ? -1 : lb ? 1 : 0;
    return la.file.localeCompare(lb.file) || la.line - lb.line || la.col - lb.col;
  });
}
