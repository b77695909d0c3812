import type { Problem } from "../util/errors.js";
import type { Segment, SourceFile } from "./source.js";

/** `services.web.ports[1]`; keys that are not plain words are quoted: `services["my.app"]`. */
export function formatPath(path: Segment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out === "" ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export interface ProblemInput {
  code: string;
  path: Segment[];
  message: string;
  fix?: string;
  /** Point at the key rather than the value (unknown keys, duplicate names). */
  atKey?: boolean;
}

/** Collects every problem of one recipe, each located in the file it came from. */
export class Problems {
  readonly list: Problem[] = [];
  /** The paths that have an error, so a list of 100000 bad items is not quadratic. */
  private readonly errorPaths = new Set<string>();

  constructor(private readonly source: SourceFile) {}

  error(input: ProblemInput): void {
    this.add("error", input);
  }

  warn(input: ProblemInput): void {
    this.add("warning", input);
  }

  /** True once an error was found at this path or inside it. */
  hasErrorAt(path: Segment[]): boolean {
    const prefix = formatPath(path);
    return this.list.some(
      (p) => p.severity === "error" && p.path !== undefined && isUnder(p.path, prefix),
    );
  }

  get errors(): Problem[] {
    return this.list.filter((p) => p.severity === "error");
  }

  get warnings(): Problem[] {
    return this.list.filter((p) => p.severity === "warning");
  }

  /** One error per YAML path: a value the schema already rejected is not reported again. */
  private add(severity: Problem["severity"], input: ProblemInput): void {
    const path = formatPath(input.path);
    if (severity === "error" && this.errorPaths.has(path)) return;
    if (severity === "error") this.errorPaths.add(path);
    this.list.push({
      code: input.code,
      severity,
      location: this.source.locate(input.path, { key: input.atKey ?? false }),
      path,
      message: input.message,
      ...(input.fix !== undefined ? { fix: input.fix } : {}),
    });
  }
}

function isUnder(path: string, prefix: string): boolean {
  if (prefix === "" || path === prefix) return true;
  return path.startsWith(prefix) && /^[.[]/.test(path.slice(prefix.length));
}
