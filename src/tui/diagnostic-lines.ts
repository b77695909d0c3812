import { isAbsolute, relative } from "node:path";
import type { Problem } from "../util/errors.js";
import { countBySeverity, groupByService } from "./diagnostics.js";

export type LineRole = "heading" | "error" | "warning" | "fix" | "plain";

export interface DiagnosticLine {
  text: string;
  role: LineRole;
}

/**
 * Cuts `text` into lines of at most `width` columns at spaces, every line after the first
 * indented by `hang`; a word longer than a line is cut where the line ends.
 */
export function wrapText(text: string, width: number, hang: string): string[] {
  const lead = /^ */.exec(text)?.[0] ?? "";
  const lines: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(" ")) {
    const fresh = line === lead || line === hang;
    const candidate = fresh ? line + word : `${line} ${word}`;
    if (candidate.length <= width || fresh) line = candidate;
    else {
      lines.push(line);
      line = hang + word;
    }
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = hang + line.slice(width);
    }
  }
  return [...lines, line];
}

/** A file as the user would type it from `base`: relative when it is inside. */
function shown(file: string, base: string): string {
  const rel = relative(base, file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

function where(p: Problem, base: string): string {
  if (p.location) return `${shown(p.location.file, base)}:${p.location.line}:${p.location.col}: `;
  return p.path ? `${p.path}: ` : "";
}

function problemLines(p: Problem, width: number, base: string): DiagnosticLine[] {
  const head = wrapText(`  ${p.severity}: ${where(p, base)}${p.message}`, width, "    ");
  const fix = p.fix ? wrapText(`    fix: ${p.fix}`, width, "         ") : [];
  return [
    ...head.map((text) => ({ text, role: p.severity })),
    ...fix.map((text) => ({ text, role: "fix" as const })),
  ];
}

/** A one-line count: "1 error, 2 warnings", or that there is nothing to look at. */
export function summaryLine(problems: Problem[]): string {
  const { errors, warnings } = countBySeverity(problems);
  if (errors + warnings === 0) return "No problems found.";
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(errors, "error")}, ${plural(warnings, "warning")}`;
}

/**
 * Diagnostics as the lines the wizard scrolls through, wrapped to `width`: a heading per
 * service, then each problem and its fix. Files show relative to `base`.
 */
export function diagnosticLines(
  problems: Problem[],
  width = 80,
  base = process.cwd(),
): DiagnosticLine[] {
  return groupByService(problems).flatMap((g) => [
    { text: g.service ? `service ${g.service}` : "project", role: "heading" as const },
    ...g.problems.flatMap((p) => problemLines(p, width, base)),
  ]);
}
