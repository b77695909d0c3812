/**
 * The short volume syntax `[SOURCE:]TARGET[:OPTIONS]`, as compose-go reads it: one field is
 * an anonymous volume; a source starting with `.`, `/` or `~` is a bind mount, any other is
 * a named volume. Options are a comma list (ro, rw, nocopy, z, Z, propagation modes).
 */
import { posix } from "node:path";

export interface VolumeSpec {
  type: "bind" | "volume";
  /** Empty for an anonymous volume. */
  source: string;
  target: string;
  readOnly: boolean;
  options: string[];
}

export class VolumeSpecError extends Error {}

export function parseVolumeSpec(raw: string): VolumeSpec {
  const parts = raw.split(":");
  if (parts.some((p, i) => p === "" && i < parts.length)) {
    throw new VolumeSpecError(`"${raw}" has an empty part`);
  }
  if (parts.length > 3) throw new VolumeSpecError(`"${raw}" has too many ":"-separated parts`);
  if (parts.length === 1) return anonymous(parts[0] as string);
  const [source, target, opts] = parts as [string, string, string | undefined];
  const options = opts ? opts.split(",") : [];
  return {
    type: isBindSource(source) ? "bind" : "volume",
    source,
    target: posix.normalize(target),
    readOnly: options.includes("ro"),
    options,
  };
}

function anonymous(target: string): VolumeSpec {
  return {
    type: "volume",
    source: "",
    target: posix.normalize(target),
    readOnly: false,
    options: [],
  };
}

export function isBindSource(source: string): boolean {
  return source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
}
