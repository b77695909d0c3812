import { formatLocation, type Problem } from "../util/errors.js";
import { countBySeverity, groupByService } from "./diagnostics.js";

export type LineRole = "heading" | "error" | "warning" | "fix" | "plain";

export interface DiagnosticLine {
  text: string;
  role: LineRole;
}

function problemLines(p: Problem): DiagnosticLine[] {
  const where = p.location ? `${formatLocation(p.location)}: ` : p.path ? `${p.path}: ` : "";
  const lines: DiagnosticLine[] = [
    { text: `  ${p.severity}: ${where}${p.message}`, role: p.severity },
  ];
  if (p.fix) lines.push({ text: `    fix: ${p.fix}`, role: "fix" });
  return lines;
}

/** A one-line count: "1 error, 2 warnings", or that there is nothing to look at. */
export function summaryLine(problems: Problem[]): string {
  const { errors, warnings } = countBySeverity(problems);
  if (errors + warnings === 0) return "No problems found.";
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(errors, "error")}, ${plural(warnings, "warning")}`;
}

/** Diagnostics as the lines the wizard scrolls through: a heading per service, then each problem and its fix. */
export function diagnosticLines(problems: Problem[]): DiagnosticLine[] {
  return groupByService(problems).flatMap((g) => [
    { text: g.service ? `service ${g.service}` : "project", role: "heading" as const },
    ...g.problems.flatMap(problemLines),
  ]);
}
