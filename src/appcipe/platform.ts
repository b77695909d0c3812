import type { ImageFormat, Platform } from "./types.js";

const platformAliases: Record<string, Platform> = {
  amd64: "linux/amd64",
  x86_64: "linux/amd64",
  "x86-64": "linux/amd64",
  arm64: "linux/arm64",
  "arm64/v8": "linux/arm64",
  aarch64: "linux/arm64",
};

/** `amd64`, `x86_64`, `linux_amd64`, `linux/arm64/v8`... to a Platform; undefined when unknown. */
export function parsePlatform(text: string): Platform | undefined {
  const lower = text
    .trim()
    .toLowerCase()
    .replace(/^linux[/_]/, "");
  return platformAliases[lower];
}

export const PLATFORM_NAMES = ["linux/amd64", "linux/arm64"] as const;

/** `docker_archive` is accepted for `docker-archive`, as the seed did. */
export function parseFormat(text: string): ImageFormat | undefined {
  const value = text.trim().toLowerCase().replace(/_/g, "-");
  const known: ImageFormat[] = ["auto", "docker-archive", "oci-archive", "oci-layout"];
  return known.find((f) => f === value);
}
