import type { Readable } from "node:stream";
import type { Platform } from "../appcipe/types.js";
import { UserError } from "../util/errors.js";

/** The parts of an OCI/Docker image config the packer reads (`config` in the config JSON). */
export interface ImageRunConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  StopSignal?: string;
  ExposedPorts?: Record<string, unknown> | null;
  Volumes?: Record<string, unknown> | null;
  Healthcheck?: {
    Test?: string[];
    Interval?: number;
    Timeout?: number;
    StartPeriod?: number;
    StartInterval?: number;
    Retries?: number;
  } | null;
}

/** An image config JSON, as stored in archives and registries. */
export interface ImageConfigFile {
  architecture?: string;
  os?: string;
  variant?: string;
  config?: ImageRunConfig | null;
  rootfs?: { type: string; diff_ids: string[] };
}

/** One layer of a resolved image: its diff_id and a way to read its uncompressed tar. */
export interface ImageLayer {
  /** `sha256:<hex>` of the uncompressed tar, from the config's rootfs.diff_ids. */
  diffId: string;
  /** Compressed size when known, for progress. */
  size?: number;
  /** Digest of the stored (compressed) blob, when the source addresses blobs by digest. */
  blobDigest?: string;
  /**
   * Opens the layer as an uncompressed tar stream. The stream fails if the stored blob does
   * not match its recorded digest; the diff_id is checked by whoever consumes it.
   */
  open(): Promise<Readable>;
}

/**
 * An image ready to pack: its config and its layers in order. Every image source
 * (archives, registries, the Docker engine) produces one of these.
 */
export interface ResolvedImage {
  /** Where it came from, for messages: a file path or a reference. */
  origin: string;
  platform: Platform;
  config: ImageConfigFile;
  layers: ImageLayer[];
  /** Frees temporary files the source made (an exported archive), if any. */
  dispose?(): Promise<void>;
}

/** The platform an image config declares, if it declares a Linux one chefer knows. */
export function configPlatform(config: ImageConfigFile): Platform | undefined {
  if (config.os !== undefined && config.os !== "linux") return undefined;
  if (config.architecture === "amd64") return "linux/amd64";
  if (config.architecture === "arm64") return "linux/arm64";
  return undefined;
}

/** The platform a target's executables run, the default for services that name none. */
export function targetPlatform(target: string): Platform {
  return target.startsWith("aarch64") ? "linux/arm64" : "linux/amd64";
}

/** Fails unless a single-platform image is for `want`; images that do not say are accepted. */
export function checkPlatform(config: ImageConfigFile, want: Platform, origin: string): void {
  const os = config.os ?? "linux";
  const arch = config.architecture;
  if (arch === undefined) return;
  const have = `${os}/${arch}`;
  if (have === want) return;
  throw new UserError(`${origin}: the image is for ${have}, but the service needs ${want}`, {
    fix: `use an image built for ${want}, or set the service's platform to ${have} and build for its target`,
  });
}
