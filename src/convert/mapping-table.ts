/**
 * What happens to every key of the compose specification: one row per key, read by the
 * converter to warn about what it cannot honour and by scripts/gen-compose-mapping.ts to write
 * docs/compose-mapping.md. `*` stands for any name, `[]` for any list item.
 */
export type MappingAction = "translated" | "changed" | "ignored" | "error";

export interface MappingRow {
  /** The key path, e.g. "services.*.ports[].host_ip". */
  key: string;
  action: MappingAction;
  /** What the key becomes, or why it is ignored. */
  note: string;
  /** For ignored and error rows: how the user changes the file. */
  fix?: string;
}

const REMOVE = "remove the key; chefer cannot honour it";

function row(key: string, action: MappingAction, note: string, fix?: string): MappingRow {
  return fix === undefined ? { key, action, note } : { key, action, note, fix };
}

export const MAPPING: MappingRow[] = [
  row(
    "version",
    "ignored",
    "obsolete in the compose specification; it has no effect",
    "remove the top-level version key",
  ),
  row(
    "name",
    "translated",
    "the project name becomes the app name (normalized as Compose does) unless --name is given",
  ),
  row(
    "include",
    "translated",
    "included projects are loaded and merged in, as docker compose does",
  ),
  row("services", "translated", "each enabled service becomes a recipe service"),
  row(
    "networks",
    "changed",
    "all services of an app share one network; service names and aliases resolve inside it",
    "nothing to change; split the app to isolate services",
  ),
  row(
    "networks.*.internal",
    "translated",
    "when every network is internal the app gets network: internal (no outside access)",
  ),
  row(
    "networks.*.driver",
    "ignored",
    "the app has one network of its own; this network setting has no effect",
    REMOVE,
  ),
  row(
    "networks.*.driver_opts",
    "ignored",
    "the app has one network of its own; this network setting has no effect",
    REMOVE,
  ),
  row(
    "networks.*.ipam",
    "ignored",
    "the app has one network of its own; this network setting has no effect",
    REMOVE,
  ),
  row(
    "networks.*.external",
    "ignored",
    "the app has one network of its own; this network setting has no effect",
    REMOVE,
  ),
  row(
    "networks.*.attachable",
    "ignored",
    "the app has one network of its own; this network setting has no effect",
    REMOVE,
  ),
  row(
    "networks.*.enable_ipv4",
    "ignored",
    "the app has one network of its own; this network setting has no effect",
    REMOVE,
  ),
  row(
    "networks.*.enable_ipv6",
    "ignored",
    "the app has one network of its own; this network setting has no effect",
    REMOVE,
  ),
  row(
    "networks.*.labels",
    "ignored",
    "the app has one network of its own; this network setting has no effect",
    REMOVE,
  ),
  row(
    "networks.*.name",
    "ignored",
    "the app has one network of its own; this network setting has no effect",
    REMOVE,
  ),
  row(
    "volumes",
    "translated",
    "named volumes become persistent volumes of the app, kept in its data directory",
  ),
  row(
    "volumes.*.external",
    "changed",
    "an external volume becomes a volume of the app, empty on first run",
    "create the data in the app's data directory, or drop external",
  ),
  row(
    "volumes.*.driver",
    "ignored",
    "volumes are directories in the app's data directory; this setting has no effect",
    REMOVE,
  ),
  row(
    "volumes.*.driver_opts",
    "ignored",
    "volumes are directories in the app's data directory; this setting has no effect",
    REMOVE,
  ),
  row(
    "volumes.*.labels",
    "ignored",
    "volumes are directories in the app's data directory; this setting has no effect",
    REMOVE,
  ),
  row(
    "volumes.*.name",
    "ignored",
    "volumes are directories in the app's data directory; this setting has no effect",
    REMOVE,
  ),
  row(
    "configs",
    "changed",
    "a config with a file, content or environment source becomes a file baked into each service that uses it",
  ),
  row(
    "configs.*.external",
    "error",
    "an external config lives in a Docker engine the app will not have; a service that uses one is an error",
    "give the config a file, content or environment source",
  ),
  row("configs.*.file", "translated", "the source of the baked file"),
  row("configs.*.content", "translated", "the source of the baked file"),
  row("configs.*.environment", "translated", "the source of the baked file"),
  row("configs.*.name", "translated", "the source of the baked file"),
  row("configs.*.labels", "ignored", "has no meaning for a baked file", REMOVE),
  row("configs.*.template_driver", "ignored", "has no meaning for a baked file", REMOVE),
  row(
    "secrets",
    "changed",
    "a secret with a file or environment source becomes a file baked into the app: it travels inside the executable",
    "to keep it out of the executable, put it in a directory bind-mounted into the service and convert with --keep-bind-mounts",
  ),
  row(
    "secrets.*.external",
    "error",
    "an external secret lives in a Docker engine the app will not have; a service that uses one is an error",
    "give the secret a file or environment source",
  ),
  row("secrets.*.file", "translated", "the source of the baked file"),
  row("secrets.*.environment", "translated", "the source of the baked file"),
  row("secrets.*.name", "translated", "the source of the baked file"),
  row("secrets.*.labels", "ignored", "has no meaning for a baked file", REMOVE),
  row("secrets.*.driver", "ignored", "has no meaning for a baked file", REMOVE),
  row("secrets.*.driver_opts", "ignored", "has no meaning for a baked file", REMOVE),
  row("secrets.*.template_driver", "ignored", "has no meaning for a baked file", REMOVE),
  row("models", "ignored", "AI models are not provided by the app runtime", REMOVE),
  row(
    "services.*.image",
    "translated",
    "a registry image pulled at build time; it must be pinned by a tag other than latest or a digest",
    "write image: NAME:VERSION or NAME@sha256:DIGEST",
  ),
  row(
    "services.*.build",
    "translated",
    "a Dockerfile built through the local Docker engine at build time",
  ),
  row("services.*.build.context", "translated", "passed to the Docker build"),
  row("services.*.build.dockerfile", "translated", "passed to the Docker build"),
  row("services.*.build.args", "translated", "passed to the Docker build"),
  row("services.*.build.target", "translated", "passed to the Docker build"),
  row(
    "services.*.build.dockerfile_inline",
    "error",
    "the recipe builds from a Dockerfile on disk",
    "write the Dockerfile to a file and name it with build.dockerfile",
  ),
  row(
    "services.*.build.labels",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.cache_from",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.cache_to",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.no_cache",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.no_cache_filter",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.pull",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.network",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.shm_size",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.extra_hosts",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.isolation",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.privileged",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.secrets",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.ssh",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.tags",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.ulimits",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.entitlements",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.additional_contexts",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.provenance",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.sbom",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.build.platforms",
    "ignored",
    "the build runs with Docker's defaults for this setting",
    "remove the key, or build the image yourself and reference it with image:",
  ),
  row(
    "services.*.command",
    "translated",
    "an argv list; a string is split shell-style, not run through sh -c",
  ),
  row(
    "services.*.entrypoint",
    "translated",
    "an argv list; a string is split shell-style, not run through sh -c",
  ),
  row(
    "services.*.environment",
    "translated",
    "bare keys take their value from the project environment at conversion time",
  ),
  row(
    "services.*.env_file",
    "translated",
    "read at conversion time; its values are written into the recipe's environment",
  ),
  row(
    "services.*.ports",
    "changed",
    "published on 127.0.0.1 unless --publish-all-interfaces; a port without a host port is only exposed to other services",
  ),
  row("services.*.ports[].target", "translated", "part of the published port"),
  row("services.*.ports[].published", "translated", "part of the published port"),
  row("services.*.ports[].host_ip", "translated", "part of the published port"),
  row("services.*.ports[].protocol", "translated", "part of the published port"),
  row("services.*.ports[].mode", "translated", "every port is published on the host directly"),
  row("services.*.ports[].name", "ignored", "port metadata has no effect", REMOVE),
  row("services.*.ports[].app_protocol", "ignored", "port metadata has no effect", REMOVE),
  row("services.*.expose", "translated", "reachable by the other services of the app"),
  row(
    "services.*.volumes",
    "changed",
    "named volumes stay volumes; a bind-mounted file is baked in; a bind-mounted directory becomes a volume unless --keep-bind-mounts",
  ),
  row("services.*.volumes[].type", "translated", "part of the mount"),
  row("services.*.volumes[].source", "translated", "part of the mount"),
  row("services.*.volumes[].target", "translated", "part of the mount"),
  row("services.*.volumes[].read_only", "translated", "part of the mount"),
  row("services.*.volumes[].tmpfs", "translated", "part of the mount"),
  row("services.*.volumes[].bind", "ignored", "this mount option has no effect in the app", REMOVE),
  row(
    "services.*.volumes[].volume",
    "ignored",
    "this mount option has no effect in the app",
    REMOVE,
  ),
  row(
    "services.*.volumes[].image",
    "ignored",
    "this mount option has no effect in the app",
    REMOVE,
  ),
  row(
    "services.*.volumes[].consistency",
    "ignored",
    "this mount option has no effect in the app",
    REMOVE,
  ),
  row("services.*.tmpfs", "translated", "a fresh tmpfs mount"),
  row("services.*.depends_on", "translated", "start order and conditions are kept"),
  row("services.*.depends_on.*.condition", "translated", "part of the dependency"),
  row("services.*.depends_on.*.required", "translated", "part of the dependency"),
  row(
    "services.*.depends_on.*.restart",
    "ignored",
    "a service is not restarted when its dependency restarts",
    REMOVE,
  ),
  row(
    "services.*.healthcheck",
    "translated",
    "every field is kept; disable: true or test: [NONE] turn the image's check off",
  ),
  row("services.*.working_dir", "translated", "the working directory"),
  row("services.*.user", "translated", "the user the process runs as"),
  row("services.*.hostname", "translated", "the service's host name"),
  row("services.*.extra_hosts", "translated", "extra lines in the service's /etc/hosts"),
  row(
    "services.*.networks",
    "changed",
    "the app has one network; aliases are kept so they keep resolving",
  ),
  row("services.*.networks.*.aliases", "translated", "extra names the service answers to"),
  row(
    "services.*.networks.*.ipv4_address",
    "ignored",
    "addresses are assigned by the app's network",
    REMOVE,
  ),
  row(
    "services.*.networks.*.ipv6_address",
    "ignored",
    "addresses are assigned by the app's network",
    REMOVE,
  ),
  row(
    "services.*.networks.*.link_local_ips",
    "ignored",
    "addresses are assigned by the app's network",
    REMOVE,
  ),
  row(
    "services.*.networks.*.mac_address",
    "ignored",
    "addresses are assigned by the app's network",
    REMOVE,
  ),
  row(
    "services.*.networks.*.interface_name",
    "ignored",
    "addresses are assigned by the app's network",
    REMOVE,
  ),
  row(
    "services.*.networks.*.driver_opts",
    "ignored",
    "addresses are assigned by the app's network",
    REMOVE,
  ),
  row(
    "services.*.networks.*.priority",
    "ignored",
    "addresses are assigned by the app's network",
    REMOVE,
  ),
  row(
    "services.*.networks.*.gw_priority",
    "ignored",
    "addresses are assigned by the app's network",
    REMOVE,
  ),
  row(
    "services.*.network_mode",
    "changed",
    "host gives the whole app the host's network (network: shared); none, service: and container: are not supported and are warned about",
  ),
  row("services.*.restart", "translated", "the restart policy"),
  row("services.*.stop_signal", "translated", "the signal that stops the service"),
  row("services.*.stop_grace_period", "translated", "the time between the stop signal and SIGKILL"),
  row("services.*.init", "translated", "runs a minimal init as PID 1"),
  row(
    "services.*.tty",
    "changed",
    "the service becomes the app's terminal service (interface_mode: terminal); only one service can be",
  ),
  row(
    "services.*.stdin_open",
    "changed",
    "the service becomes the app's terminal service (interface_mode: terminal); only one service can be",
  ),
  row("services.*.container_name", "changed", "kept as an extra name the service answers to"),
  row("services.*.configs", "changed", "baked into the service's filesystem at the target path"),
  row(
    "services.*.secrets",
    "changed",
    "baked into the service's filesystem at /run/secrets/NAME or the target path",
  ),
  row("services.*.platform", "translated", "the image platform: linux/amd64 or linux/arm64"),
  row(
    "services.*.profiles",
    "translated",
    "applied at conversion: only enabled services are written",
  ),
  row("services.*.extends", "translated", "applied at conversion, as docker compose does"),
  row(
    "services.*.links",
    "changed",
    "becomes a dependency; a link alias becomes an alias of the linked service",
  ),
  row("services.*.gpus", "translated", "gives the service the host's GPUs"),
  row(
    "services.*.deploy",
    "changed",
    "restart_policy and GPU reservations are translated; the rest is swarm or resource control and is warned about",
  ),
  row("services.*.deploy.restart_policy", "translated", "used when the service has no restart key"),
  row(
    "services.*.deploy.resources",
    "changed",
    "GPU device reservations are translated; limits are not enforced",
  ),
  row(
    "services.*.deploy.resources.reservations",
    "changed",
    "GPU device reservations are translated",
  ),
  row(
    "services.*.deploy.resources.reservations.devices",
    "translated",
    "devices with the gpu capability give the service the host's GPUs",
  ),
  row(
    "services.*.deploy.resources.limits.cpus",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.deploy.resources.limits.memory",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.deploy.resources.limits.pids",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.deploy.resources.limits",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.deploy.resources.reservations.cpus",
    "ignored",
    "resource reservations are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.deploy.resources.reservations.memory",
    "ignored",
    "resource reservations are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.deploy.resources.reservations.generic_resources",
    "ignored",
    "resource reservations are not enforced by the app runtime",
    REMOVE,
  ),
  row("services.*.deploy.replicas", "changed", "one instance runs; more than 1 is warned about"),
  row("services.*.deploy.mode", "ignored", "swarm settings have no effect in the app", REMOVE),
  row(
    "services.*.deploy.endpoint_mode",
    "ignored",
    "swarm settings have no effect in the app",
    REMOVE,
  ),
  row("services.*.deploy.labels", "ignored", "swarm settings have no effect in the app", REMOVE),
  row("services.*.deploy.placement", "ignored", "swarm settings have no effect in the app", REMOVE),
  row(
    "services.*.deploy.update_config",
    "ignored",
    "swarm settings have no effect in the app",
    REMOVE,
  ),
  row(
    "services.*.deploy.rollback_config",
    "ignored",
    "swarm settings have no effect in the app",
    REMOVE,
  ),
  row("services.*.scale", "changed", "one instance runs; more than 1 is warned about"),
  row("services.*.labels", "ignored", "container labels have no effect in the app", REMOVE),
  row(
    "services.*.annotations",
    "ignored",
    "container annotations have no effect in the app",
    REMOVE,
  ),
  row("services.*.label_file", "ignored", "container labels have no effect in the app", REMOVE),
  row(
    "services.*.logging",
    "ignored",
    "service output goes to the app's console and log; log drivers have no effect",
    REMOVE,
  ),
  row(
    "services.*.cap_add",
    "translated",
    "capabilities added to Docker's default set; they apply inside the app's user namespace only",
  ),
  row("services.*.cap_drop", "translated", "capabilities removed from Docker's default set"),
  row(
    "services.*.privileged",
    "changed",
    "every capability and no seccomp filter, inside the app's user namespace: never root on the host, and no host devices",
    "nothing to change if the service only needs capabilities",
  ),
  row("services.*.devices", "ignored", "host devices are not passed into services", REMOVE),
  row(
    "services.*.device_cgroup_rules",
    "ignored",
    "host devices are not passed into services",
    REMOVE,
  ),
  row("services.*.sysctls", "ignored", "namespaced sysctls are not set", REMOVE),
  row(
    "services.*.ulimits",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row("services.*.dns", "ignored", "services resolve names through the app's own resolver", REMOVE),
  row(
    "services.*.dns_opt",
    "ignored",
    "services resolve names through the app's own resolver",
    REMOVE,
  ),
  row(
    "services.*.dns_search",
    "ignored",
    "services resolve names through the app's own resolver",
    REMOVE,
  ),
  row(
    "services.*.security_opt",
    "changed",
    "seccomp=unconfined turns the app's seccomp filter off for the service; other options (seccomp profiles, AppArmor, SELinux labels, no-new-privileges) are warned about and not applied",
    "remove the options that have no counterpart",
  ),
  row("services.*.userns_mode", "ignored", "the app always runs in its own user namespace", REMOVE),
  row("services.*.pid", "ignored", "each service has its own PID namespace", REMOVE),
  row("services.*.ipc", "ignored", "each service has its own IPC namespace", REMOVE),
  row("services.*.uts", "ignored", "each service has its own UTS namespace", REMOVE),
  row("services.*.cgroup", "ignored", "cgroups are managed by the app runtime", REMOVE),
  row("services.*.cgroup_parent", "ignored", "cgroups are managed by the app runtime", REMOVE),
  row(
    "services.*.runtime",
    "changed",
    "nvidia gives the service the host's GPUs; any other OCI runtime is replaced by the app runtime, with a warning",
  ),
  row("services.*.isolation", "ignored", "only Linux namespaces isolate services", REMOVE),
  row("services.*.credential_spec", "ignored", "Windows-only setting", REMOVE),
  row(
    "services.*.cpu_count",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.cpu_percent",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.cpu_shares",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.cpu_period",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.cpu_quota",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.cpu_rt_runtime",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.cpu_rt_period",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row("services.*.cpus", "ignored", "resource limits are not enforced by the app runtime", REMOVE),
  row(
    "services.*.cpuset",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.mem_limit",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.mem_reservation",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.mem_swappiness",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.memswap_limit",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.pids_limit",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.oom_kill_disable",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.oom_score_adj",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row(
    "services.*.blkio_config",
    "ignored",
    "resource limits are not enforced by the app runtime",
    REMOVE,
  ),
  row("services.*.shm_size", "ignored", "/dev/shm has the runtime's default size", REMOVE),
  row("services.*.storage_opt", "ignored", "storage options have no effect", REMOVE),
  row("services.*.read_only", "ignored", "the service's root filesystem stays writable", REMOVE),
  row("services.*.group_add", "ignored", "supplementary groups are not added", REMOVE),
  row("services.*.domainname", "ignored", "the domain name is not set", REMOVE),
  row("services.*.mac_address", "ignored", "addresses are assigned by the app's network", REMOVE),
  row(
    "services.*.external_links",
    "ignored",
    "containers outside the app cannot be reached by name",
    REMOVE,
  ),
  row(
    "services.*.volumes_from",
    "ignored",
    "mounts are not shared from another container; declare the volumes on this service",
    REMOVE,
  ),
  row("services.*.pull_policy", "ignored", "images are pulled once, at build time", REMOVE),
  row("services.*.pull_refresh_after", "ignored", "images are pulled once, at build time", REMOVE),
  row("services.*.attach", "ignored", "every service's output goes to the app's console", REMOVE),
  row(
    "services.*.develop",
    "ignored",
    "watch mode is a development feature of docker compose",
    REMOVE,
  ),
  row("services.*.models", "ignored", "AI models are not provided by the app runtime", REMOVE),
  row("services.*.post_start", "ignored", "lifecycle hooks are not run", REMOVE),
  row("services.*.pre_start", "ignored", "lifecycle hooks are not run", REMOVE),
  row("services.*.pre_stop", "ignored", "lifecycle hooks are not run", REMOVE),
  row(
    "services.*.use_api_socket",
    "ignored",
    "there is no Docker engine to share with the service",
    REMOVE,
  ),
  row(
    "services.*.provider",
    "error",
    "a provider service is created by a docker compose plugin, which the app cannot run",
    "replace the service with one that has an image",
  ),
];

const BY_KEY = new Map(MAPPING.map((r) => [r.key, r]));

/** The row for a key path, if the table has one. */
export function mappingRow(key: string): MappingRow | undefined {
  return BY_KEY.get(key);
}

/** Every key some row lies below, e.g. "services.*" and "services.*.ports[]". */
const PARENTS = new Set(
  MAPPING.flatMap((r) => {
    const out: string[] = [];
    for (let i = 0; i < r.key.length; i++) {
      if (r.key[i] === ".") out.push(r.key.slice(0, i));
      if (r.key.startsWith("[].", i)) out.push(r.key.slice(0, i));
    }
    return out;
  }),
);

/** True when the table has rows below `key`, so the converter looks at its children too. */
export function hasChildRows(key: string): boolean {
  return PARENTS.has(key);
}
