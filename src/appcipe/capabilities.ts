/**
 * Linux capabilities of a service, as Docker grants them: a default set, widened by
 * `cap_add`, narrowed by `cap_drop`, everything with `privileged`. They only ever apply
 * inside the app's user namespace: no capability gives a service power over the host.
 */
import type { Service } from "./types.js";

/** Every capability the runtime knows, by kernel number order (linux/capability.h). */
export const CAPABILITIES = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_DAC_READ_SEARCH",
  "CAP_FOWNER",
  "CAP_FSETID",
  "CAP_KILL",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETPCAP",
  "CAP_LINUX_IMMUTABLE",
  "CAP_NET_BIND_SERVICE",
  "CAP_NET_BROADCAST",
  "CAP_NET_ADMIN",
  "CAP_NET_RAW",
  "CAP_IPC_LOCK",
  "CAP_IPC_OWNER",
  "CAP_SYS_MODULE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_CHROOT",
  "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT",
  "CAP_SYS_ADMIN",
  "CAP_SYS_BOOT",
  "CAP_SYS_NICE",
  "CAP_SYS_RESOURCE",
  "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG",
  "CAP_MKNOD",
  "CAP_LEASE",
  "CAP_AUDIT_WRITE",
  "CAP_AUDIT_CONTROL",
  "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE",
  "CAP_MAC_ADMIN",
  "CAP_SYSLOG",
  "CAP_WAKE_ALARM",
  "CAP_BLOCK_SUSPEND",
  "CAP_AUDIT_READ",
  "CAP_PERFMON",
  "CAP_BPF",
  "CAP_CHECKPOINT_RESTORE",
] as const;

/** What a service gets when nothing is said: Docker's default set. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** `net_admin`, `NET_ADMIN` or `CAP_NET_ADMIN` to `CAP_NET_ADMIN`; `ALL` stays `ALL`. */
export function canonicalCapability(name: string): string | undefined {
  const upper = name.trim().toUpperCase();
  if (upper === "ALL") return "ALL";
  const full = upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
  return (CAPABILITIES as readonly string[]).includes(full) ? full : undefined;
}

/**
 * The service's capabilities in kernel order, by Docker's rules: `privileged` has them all;
 * `cap_add: [ALL]` has all but those dropped; `cap_drop: [ALL]` has only those added;
 * otherwise the default set minus those dropped plus those added (an added one wins).
 */
export function effectiveCapabilities(
  s: Pick<Service, "capAdd" | "capDrop" | "privileged">,
): string[] {
  const add = new Set(s.capAdd ?? []);
  const drop = new Set(s.capDrop ?? []);
  let kept: (c: string) => boolean;
  if (s.privileged) kept = () => true;
  else if (add.has("ALL")) kept = (c) => !drop.has(c);
  else if (drop.has("ALL")) kept = (c) => add.has(c);
  else kept = (c) => add.has(c) || (DEFAULT_CAPABILITIES.includes(c) && !drop.has(c));
  return CAPABILITIES.filter(kept);
}
