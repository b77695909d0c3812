/**
 * An image config read from an archive, a registry or an engine is input like any other: its
 * shape is checked here before anything uses it, so a malformed config is one clear error
 * naming the image and the field, never a crash or a broken executable.
 */
import { UserError } from "../util/errors.js";
import type { ImageConfigFile } from "./image.js";

type Json = Record<string, unknown>;

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const FIX =
  "build or export the image again with Docker, Podman or buildah; this config was not written by one";

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}

function isObj(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function malformed(origin: string, field: string, want: string, value: unknown): never {
  const what =
    value === undefined ? `${field} is missing` : `${field} is ${kind(value)}, not ${want}`;
  throw new UserError(`${origin}: the image config is malformed: ${what}`, { fix: FIX });
}

function optionalString(origin: string, o: Json, key: string, path: string): void {
  if (o[key] !== undefined && o[key] !== null && typeof o[key] !== "string")
    malformed(origin, `${path}${key}`, "a string", o[key]);
}

function optionalStrings(origin: string, o: Json, key: string, path: string): void {
  const v = o[key];
  if (v === undefined || v === null) return;
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string"))
    malformed(origin, `${path}${key}`, "a list of strings", v);
}

function optionalMap(origin: string, o: Json, key: string, path: string): void {
  const v = o[key];
  if (v !== undefined && v !== null && !isObj(v))
    malformed(origin, `${path}${key}`, "a mapping", v);
}

function checkHealthcheck(origin: string, h: unknown): void {
  if (h === undefined || h === null) return;
  if (!isObj(h)) malformed(origin, "config.Healthcheck", "a mapping", h);
  optionalStrings(origin, h, "Test", "config.Healthcheck.");
  for (const key of ["Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"]) {
    const v = h[key];
    if (v !== undefined && v !== null && (typeof v !== "number" || !(v >= 0)))
      malformed(origin, `config.Healthcheck.${key}`, "a number of 0 or more", v);
  }
}

function checkRunConfig(origin: string, run: unknown): void {
  if (run === undefined || run === null) return;
  if (!isObj(run)) malformed(origin, "config", "a mapping", run);
  for (const key of ["Entrypoint", "Cmd", "Env"]) optionalStrings(origin, run, key, "config.");
  for (const key of ["WorkingDir", "User", "StopSignal"])
    optionalString(origin, run, key, "config.");
  for (const key of ["ExposedPorts", "Volumes", "Labels"]) optionalMap(origin, run, key, "config.");
  checkHealthcheck(origin, run.Healthcheck);
}

function checkRootfs(origin: string, rootfs: unknown): void {
  if (!isObj(rootfs)) malformed(origin, "rootfs", "a mapping", rootfs);
  const ids = rootfs.diff_ids;
  if (!Array.isArray(ids)) malformed(origin, "rootfs.diff_ids", "a list of digests", ids);
  const bad = ids.find((d) => typeof d !== "string" || !DIGEST.test(d));
  if (bad !== undefined)
    throw new UserError(
      `${origin}: the image config is malformed: rootfs.diff_ids holds ${JSON.stringify(bad)}, which is not a sha256 digest`,
      { fix: FIX },
    );
}

/** The config, once every field the packer reads has the type the image spec gives it. */
export function checkImageConfig(raw: unknown, origin: string): ImageConfigFile {
  if (!isObj(raw)) malformed(origin, "the config", "a JSON object", raw);
  for (const key of ["architecture", "os", "variant"]) optionalString(origin, raw, key, "");
  checkRootfs(origin, raw.rootfs);
  checkRunConfig(origin, raw.config);
  return raw as ImageConfigFile;
}
