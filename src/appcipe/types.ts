/**
 * The normalized recipe: what `loadRecipe` returns after parsing and validating an
 * appcipe.yml, whatever shorthand the file used. The converter produces it, the packer
 * consumes it, and `chefer check --format json` prints it. docs/appcipe.md documents the
 * YAML a user writes; this is the one shape everything after parsing works with.
 */

export const RECIPE_VERSION = "0.1";

export type NetworkMode = "bridge" | "internal" | "shared";
export type ConsoleMode = "auto" | "shown" | "hidden";
export type InterfaceMode = "none" | "gui" | "terminal" | "both";
export type Platform = "linux/amd64" | "linux/arm64";
export type ImageFormat = "auto" | "docker-archive" | "oci-archive" | "oci-layout";

/** Where a service's image comes from. */
export type ImageSource =
  /** A `docker save` archive, an OCI archive or an OCI layout directory on the build machine. */
  | { source: "tar"; file: string; format: ImageFormat; platform?: Platform }
  /** A registry reference, pinned by tag or digest, pulled at build time. */
  | { source: "image"; ref: string; platform?: Platform }
  /** An image that exists in the local Docker engine, exported through its API. */
  | { source: "docker"; ref: string; platform?: Platform }
  /** A Dockerfile built by the local Docker engine at build time. */
  | {
      source: "dockerfile";
      context: string;
      file: string;
      buildArgs: Record<string, string>;
      target?: string;
      platform?: Platform;
    };

export interface VolumeMount {
  type: "volume";
  /** The name of a volume declared under top-level `volumes:`. */
  source: string;
  target: string;
  readOnly: boolean;
}

export interface BindMount {
  type: "bind";
  /** A host path on the user's machine: absolute, or `~/...`. */
  source: string;
  target: string;
  readOnly: boolean;
}

export interface TmpfsMount {
  type: "tmpfs";
  target: string;
  /** Size limit in bytes; undefined means the kernel's default. */
  size?: number;
  mode?: number;
}

export type Mount = VolumeMount | BindMount | TmpfsMount;

/** A file baked into a service's root filesystem at build time. */
export interface BakedFile {
  /** Path on the build machine, absolute after loading. Exactly one of source or content. */
  source?: string;
  /** Inline content. */
  content?: string;
  target: string;
  mode: number;
  uid: number;
  gid: number;
}

export type Protocol = "tcp" | "udp";

/** A published port range; single ports have start === end. */
export interface PortMapping {
  hostIp: string;
  hostStart: number;
  hostEnd: number;
  containerStart: number;
  containerEnd: number;
  protocol: Protocol;
}

export type DependencyCondition =
  "service_started" | "service_healthy" | "service_completed_successfully";

export interface Dependency {
  service: string;
  condition: DependencyCondition;
  /** When false, a missing or failed dependency only warns. */
  required: boolean;
}

/** A command as argv, or a string that runs through `/bin/sh -c` (Dockerfile shell form). */
export type Command = { argv: string[] } | { shell: string };

export interface Healthcheck {
  /** CMD: argv run directly; CMD-SHELL: run through /bin/sh -c. */
  test: { argv: string[] } | { shell: string };
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
  startIntervalMs: number;
}

export type RestartPolicy =
  | { policy: "no" }
  | { policy: "on-failure"; maxRetries?: number }
  | { policy: "always" }
  | { policy: "unless-stopped" };

export interface ExtraHost {
  host: string;
  ip: string;
}

export interface Service {
  name: string;
  image: ImageSource;
  entrypoint?: Command;
  cmd?: Command;
  workdir?: string;
  user?: string;
  env: Record<string, string>;
  mounts: Mount[];
  files: BakedFile[];
  ports: PortMapping[];
  expose: { port: number; protocol: Protocol }[];
  interfaceMode: InterfaceMode;
  dependsOn: Dependency[];
  /** undefined: use the image's HEALTHCHECK if it has one; null: disabled. */
  healthcheck?: Healthcheck | null;
  restart: RestartPolicy;
  stopSignal?: string;
  stopGracePeriodMs?: number;
  hostname?: string;
  aliases: string[];
  extraHosts: ExtraHost[];
  init: boolean;
  gpu: boolean | number[];
  /** Capabilities added to Docker's default set, canonical (`CAP_NET_ADMIN`) or `ALL`. */
  capAdd?: string[];
  /** Capabilities removed from it, canonical or `ALL`. */
  capDrop?: string[];
  /** Every capability inside the app's user namespace, and no seccomp filter. */
  privileged?: boolean;
  /** `unconfined`: no seccomp filter; absent: the default filter. */
  seccomp?: "unconfined";
}

export interface NamedVolume {
  name: string;
}

export interface Recipe {
  version: typeof RECIPE_VERSION;
  name: string;
  appVersion?: string;
  /** Host data directory; undefined means the platform default at run time. */
  dataDir?: string;
  oldNames: string[];
  crash: "fail_fast";
  network: NetworkMode;
  console: ConsoleMode;
  volumes: Record<string, NamedVolume>;
  /** Sorted by name. */
  services: Service[];
  /** The recipe file this came from, absolute; relative paths in it resolve against its directory. */
  file: string;
}
