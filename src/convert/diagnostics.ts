/**
 * Diagnostics of the converter: every warning and error it raises, each with a stable code,
 * a location in the user's files, the YAML path, what happens instead, and the fix.
 */
import { relative, isAbsolute } from "node:path";
import {
  UserError,
  forTerminal,
  sortProblems,
  type Problem,
  type SourceLocation,
} from "../util/errors.js";
import { formatPath } from "./node.js";

export type Diagnostic = Problem;

export interface DiagnosticInput {
  code: string;
  at?: SourceLocation;
  path?: (string | number)[];
  message: string;
  fix?: string;
}

/** Collects diagnostics in the order phases raise them; `sorted()` orders them by location. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];
  private readonly seen = new Set<string>();

  warn(d: DiagnosticInput): void {
    this.add("warning", d);
  }

  error(d: DiagnosticInput): void {
    this.add("error", d);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }

  sorted(): Diagnostic[] {
    return sortProblems(this.items);
  }

  /** Throws the collected errors as one UserError when there are any. */
  throwIfErrors(summary: string): void {
    if (!this.hasErrors) return;
    const count = this.items.filter((d) => d.severity === "error").length;
    throw new UserError(`${summary}: ${count} error${count === 1 ? "" : "s"}`, {
      problems: this.sorted(),
      fix: "correct each error listed above and convert again",
    });
  }

  private add(severity: Diagnostic["severity"], d: DiagnosticInput): void {
    const item: Diagnostic = { code: d.code, severity, message: d.message };
    if (d.at) item.location = d.at;
    if (d.path) item.path = formatPath(d.path);
    if (d.fix) item.fix = d.fix;
    const key = JSON.stringify(item);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(item);
  }
}

/** Shows a file relative to `base` when it lies under it, as editors like to link it. */
export function displayFile(file: string, base: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(base, file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

/** One diagnostic as one stderr line: `file:line:col: warning[code]: path: what; fix: how`. */
export function formatDiagnostic(d: Diagnostic, base: string): string {
  const loc = d.location;
  const where = loc ? `${displayFile(loc.file, base)}:${loc.line}:${loc.col}: ` : "";
  const path = d.path ? `${d.path}: ` : "";
  const fix = d.fix ? `; fix: ${d.fix}` : "";
  return forTerminal(`${where}${d.severity}[${d.code}]: ${path}${d.message}${fix}`);
}

/** Diagnostics as data, with files relative to `base`, for `--format json`. */
export function diagnosticsJson(items: Diagnostic[], base: string): unknown[] {
  return sortProblems(items).map((d) => ({
    severity: d.severity,
    code: d.code,
    file: d.location ? displayFile(d.location.file, base) : null,
    line: d.location?.line ?? null,
    col: d.location?.col ?? null,
    path: d.path ?? null,
    message: d.message,
    fix: d.fix ?? null,
  }));
}
