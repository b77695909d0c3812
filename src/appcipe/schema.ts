import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import type { Segment } from "./source.js";
import type { Problems } from "./problems.js";
import { closest } from "./did-you-mean.js";
import { formatPath } from "./problems.js";

type Schema = Record<string, unknown>;

/** The JSON Schema shipped in the package; editors can use it too. */
export const schemaUrl = new URL("../../schema/appcipe.schema.json", import.meta.url);

const rootSchema = JSON.parse(readFileSync(schemaUrl, "utf8")) as Schema;
const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: false });
const validators = new Map<string, ValidateFunction>();

function validatorFor(schema: Schema): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = validators.get(key);
  if (!fn) {
    const { $id: _id, $schema: _s, definitions: _d, ...rest } = schema;
    fn = ajv.compile({ ...rest, definitions: rootSchema.definitions });
    validators.set(key, fn);
  }
  return fn;
}

/**
 * Checks the shape of the recipe (keys, types, enums) against the JSON Schema and reports
 * each mistake once. Where the schema allows several forms (`anyOf`), the form matching the
 * value's type is the one the user meant, so only that form's errors are reported.
 */
export function checkSchema(data: unknown, problems: Problems): void {
  for (const e of schemaErrors(rootSchema, data, [])) report(e, problems);
}

interface Located {
  error: ErrorObject;
  path: Segment[];
}

function schemaErrors(schema: Schema, data: unknown, base: Segment[]): Located[] {
  const validate = validatorFor(schema);
  if (validate(data)) return [];
  const errors = (validate.errors ?? []).map((error) => ({
    error,
    path: [...base, ...pointerToPath(error.instancePath, data)],
  }));
  return refineUnions(errors);
}

function refineUnions(errors: Located[]): Located[] {
  const union = errors
    .filter((e) => e.error.keyword === "anyOf")
    .sort((a, b) => a.path.length - b.path.length)[0];
  if (!union) return errors;
  const rest = errors.filter((e) => !startsWith(e.path, union.path));
  return refineUnions([...rest, ...branchErrors(union)]);
}

function branchErrors(union: Located): Located[] {
  const branches = union.error.schema as Schema[];
  const value = union.error.data;
  const match = branches.filter((b) => typesOf(b).includes(jsonType(value)));
  if (match.length !== 1)
    return [
      {
        ...union,
        error: { ...union.error, keyword: "type", params: { type: branches.flatMap(typesOf) } },
      },
    ];
  return schemaErrors(match[0] as Schema, value, union.path);
}

function typesOf(schema: Schema): string[] {
  if (typeof schema.$ref === "string") return typesOf(resolveRef(schema.$ref));
  if (Array.isArray(schema.type)) return schema.type as string[];
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.enum)) return [...new Set(schema.enum.map(jsonType))];
  return [];
}

function resolveRef(ref: string): Schema {
  const name = ref.replace("#/definitions/", "");
  return (rootSchema.definitions as Record<string, Schema>)[name] ?? {};
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function startsWith(path: Segment[], prefix: Segment[]): boolean {
  return prefix.every((seg, i) => path[i] === seg);
}

/** `/services/web/ports/1` -> ["services", "web", "ports", 1], numbers only inside arrays. */
function pointerToPath(pointer: string, data: unknown): Segment[] {
  const path: Segment[] = [];
  let node: unknown = data;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const seg: Segment = Array.isArray(node) ? Number(key) : key;
    path.push(seg);
    node = (node as Record<string | number, unknown> | undefined)?.[seg];
  }
  return path;
}

const typeWords: Record<string, string> = {
  string: "a string",
  number: "a number",
  integer: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "a mapping of keys to values",
  null: "empty",
};

function describeTypes(types: string[]): string {
  const words = [...new Set(types.map((t) => typeWords[t] ?? t))];
  return words.length <= 1
    ? (words[0] ?? "")
    : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

function lastName(path: Segment[]): string {
  const last = path.at(-1);
  if (last === undefined) return "the recipe";
  return typeof last === "number" ? `\`${formatPath(path.slice(-2))}\`` : `\`${last}\``;
}

function report({ error, path }: Located, problems: Problems): void {
  const handler = handlers[error.keyword] ?? reportOther;
  handler(error, path, problems);
}

type Handler = (error: ErrorObject, path: Segment[], problems: Problems) => void;

const handlers: Record<string, Handler> = {
  additionalProperties: reportUnknownKey,
  type: reportType,
  enum: reportEnum,
  required: reportRequired,
  minProperties: (_e, path, problems) =>
    problems.error({
      code: "recipe/empty",
      path,
      message: `${lastName(path)} lists nothing`,
      fix: "add at least one service, each with an `image:`",
    }),
};

function reportUnknownKey(error: ErrorObject, path: Segment[], problems: Problems): void {
  const key = (error.params as { additionalProperty: string }).additionalProperty;
  const known = Object.keys((error.parentSchema as Schema).properties ?? {});
  const guess = closest(key, known);
  problems.error({
    code: "recipe/unknown-key",
    path: [...path, key],
    atKey: true,
    message: `unknown key \`${key}\``,
    fix: guess
      ? `did you mean \`${guess}\`? rename the key to \`${guess}\``
      : `remove it, or prefix it with \`x-\` to keep it as a note; the keys allowed here are: ${known.join(", ")}`,
  });
}

function reportType(error: ErrorObject, path: Segment[], problems: Problems): void {
  const types = (error.params as { type: string | string[] }).type;
  const expected = describeTypes(Array.isArray(types) ? types : [types]);
  const isVersion = path.length === 1 && path[0] === "version";
  problems.error({
    code: "recipe/wrong-type",
    path,
    message: `${lastName(path)} must be ${expected}`,
    fix: isVersion
      ? 'write the version in quotes: version: "0.1"'
      : `write ${lastName(path)} as ${expected}`,
  });
}

function reportEnum(error: ErrorObject, path: Segment[], problems: Problems): void {
  const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
  const guess = closest(String(error.data), allowed);
  problems.error({
    code: "recipe/unknown-value",
    path,
    message: `${lastName(path)} is \`${String(error.data)}\`, which is not one of: ${allowed.join(", ")}`,
    fix: guess
      ? `did you mean \`${guess}\`? write \`${guess}\``
      : `write one of: ${allowed.join(", ")}`,
  });
}

function reportRequired(error: ErrorObject, path: Segment[], problems: Problems): void {
  const key = (error.params as { missingProperty: string }).missingProperty;
  const where = path.length === 0 ? "the recipe" : lastName(path);
  problems.error({
    code: "recipe/missing-key",
    path,
    atKey: true,
    message: `${where} has no \`${key}\``,
    fix: requiredFix[key] ?? `add \`${key}:\``,
  });
}

const requiredFix: Record<string, string> = {
  version: 'add `version: "0.1"` at the top',
  name: "add `name: MyApp` at the top (letters, digits, _ and -)",
  services: "add `services:` with at least one service and its `image:`",
  image: "add `image:` with a pinned registry reference (redis:7.2) or a path to an image archive",
};

function reportOther(error: ErrorObject, path: Segment[], problems: Problems): void {
  problems.error({
    code: "recipe/invalid",
    path,
    message: `${lastName(path)} ${error.message ?? "is invalid"}`,
    fix: "correct the value as docs/appcipe.md describes",
  });
}
