import { sortProblems, type Problem } from "../util/errors.js";

/** Problems about one service, or about the project as a whole when `service` is undefined. */
export interface ProblemGroup {
  service?: string;
  problems: Problem[];
}

/** The service a problem's YAML path points into ("services.web.ports[0]" is about web). */
export function serviceOf(p: Problem): string | undefined {
  const match = /^services\.([^.[\]]+)/.exec(p.path ?? "");
  return match?.[1];
}

function bySeverityThenPlace(problems: Problem[]): Problem[] {
  const sorted = sortProblems(problems);
  return [
    ...sorted.filter((p) => p.severity === "error"),
    ...sorted.filter((p) => p.severity !== "error"),
  ];
}

/**
 * Groups diagnostics by service for the wizard: project-wide problems first, then services
 * by name; inside a group, errors before warnings, each in file order.
 */
export function groupByService(problems: Problem[]): ProblemGroup[] {
  const groups = new Map<string | undefined, Problem[]>();
  for (const p of problems) {
    const key = serviceOf(p);
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const names = [...groups.keys()].filter((k): k is string => k !== undefined).sort();
  const keys = groups.has(undefined) ? [undefined, ...names] : names;
  return keys.map((service) => ({
    service,
    problems: bySeverityThenPlace(groups.get(service) ?? []),
  }));
}

export function countBySeverity(problems: Problem[]): { errors: number; warnings: number } {
  const errors = problems.filter((p) => p.severity === "error").length;
  return { errors, warnings: problems.length - errors };
}
