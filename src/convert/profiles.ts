/**
 * Phase 7: profiles. A service without `profiles` is always enabled; one with profiles is
 * enabled when one of them is active, or when `*` is. Active profiles come from `--profile`,
 * else COMPOSE_PROFILES (comma-separated). Top-level resources are never filtered.
 */
import { isMap, isSeq, text, type YMap } from "./node.js";

/** The active profiles: the flags, else the environment variable. */
export function activeProfiles(flags: string[] | undefined, env: Record<string, string>): string[] {
  if (flags?.length) return flags;
  return (env.COMPOSE_PROFILES ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

/** Removes disabled services from the model and returns their names. */
export function applyProfiles(model: YMap, active: string[]): string[] {
  const services = model.entries.get("services");
  if (!isMap(services)) return [];
  const disabled: string[] = [];
  for (const [name, service] of services.entries) {
    if (isEnabled(service, active)) continue;
    disabled.push(name);
    services.entries.delete(name);
  }
  return disabled;
}

function isEnabled(service: unknown, active: string[]): boolean {
  if (!isMap(service as YMap)) return true;
  const profiles = (service as YMap).entries.get("profiles");
  if (!isSeq(profiles) || profiles.items.length === 0) return true;
  if (active.includes("*")) return true;
  return profiles.items.some((p) => active.includes(text(p) ?? ""));
}
