/**
 * A service's environment: its env_file entries in order, then `environment:` on top, as
 * Compose applies them. A bare key takes the project environment's value, or is left out when
 * the project has none. Numbers and booleans become strings.
 */
import { resolve } from "node:path";
import { readFailureReason, readRegularFile } from "../../util/files.js";
import { UserError } from "../../util/errors.js";
import { toMap } from "../merge.js";
import { child, isMap, isScalar, isSeq, text, truthy, type YNode } from "../node.js";
import { parseEnvText, warnUnsetInFile } from "../project-env.js";
import { errorAt, type ServiceContext, shown } from "./context.js";

export function translateEnvironment(ctx: ServiceContext): Record<string, string> {
  const declared = declaredEnvironment(ctx);
  const fromFiles = readEnvFiles(ctx, declared);
  return { ...fromFiles, ...declared };
}

function declaredEnvironment(ctx: ServiceContext): Record<string, string> {
  const node = ctx.node.entries.get("environment");
  const out: Record<string, string> = {};
  if (!node) return out;
  for (const [key, value] of toMap(node).entries) {
    const v = text(value) ?? (isScalar(value) && value.value === null ? ctx.env[key] : undefined);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

interface EnvFileEntry {
  path: string;
  required: boolean;
  format?: string;
  at: YNode;
}

function envFileEntries(node: YNode | undefined): EnvFileEntry[] {
  if (!node) return [];
  const items = isSeq(node) ? node.items : [node];
  return items.flatMap((item): EnvFileEntry[] => {
    if (isMap(item)) {
      const path = text(child(item, "path"));
      const req = child(item, "required");
      const format = text(child(item, "format"));
      if (!path) return [];
      return [
        { path, required: req ? truthy(req) : true, at: item, ...(format ? { format } : {}) },
      ];
    }
    const path = text(item);
    return path ? [{ path, required: true, at: item }] : [];
  });
}

/**
 * Reads env files in order. Lookups try the project environment, then the service's own
 * environment, then what earlier env files set, as compose-go resolves them.
 */
function readEnvFiles(
  ctx: ServiceContext,
  declared: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of envFileEntries(ctx.node.entries.get("env_file"))) {
    const file = resolve(ctx.workingDir, entry.path);
    const { content, failure } = readOptional(file);
    if (content === undefined) {
      if (entry.required)
        errorAt(
          ctx,
          "compose/env-file-missing",
          entry.at.loc,
          ["env_file"],
          `env file ${shown(ctx, file)} cannot be read: ${failure}`,
          "create the file, or mark it required: false",
        );
      continue;
    }
    Object.assign(out, parseEntry(ctx, entry, file, content, declared, out));
  }
  return out;
}

function parseEntry(
  ctx: ServiceContext,
  entry: EnvFileEntry,
  file: string,
  content: string,
  declared: Record<string, string>,
  earlier: Record<string, string>,
): Record<string, string> {
  if (entry.format === "raw") return parseRaw(content);
  if (entry.format && entry.format !== "raw") {
    errorAt(
      ctx,
      "compose/env-file-format",
      entry.at.loc,
      ["env_file"],
      `unsupported env_file format ${entry.format}`,
      "remove format, or use format: raw",
    );
    return {};
  }
  try {
    const parsed = parseEnvText(file, content, (k) => ctx.env[k] ?? declared[k] ?? earlier[k]);
    warnUnsetInFile(file, parsed.unset, ctx.diags);
    return parsed.values;
  } catch (error) {
    if (error instanceof UserError) {
      for (const p of error.problems)
        ctx.diags.error({
          code: p.code,
          message: p.message,
          ...(p.location ? { at: p.location } : {}),
          ...(p.fix ? { fix: p.fix } : {}),
        });
      return {};
    }
    throw error;
  }
}

/** `docker run --env-file` rules: KEY=VALUE lines taken literally, `#` lines skipped. */
function parseRaw(content: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of content.split(/\r?\n/)) {
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq > 0) out[line.slice(0, eq).trimStart()] = line.slice(eq + 1);
  }
  return out;
}

function readOptional(file: string): { content?: string; failure?: string } {
  try {
    return { content: readRegularFile(file) };
  } catch (error) {
    return { failure: readFailureReason(error) };
  }
}
