import type { PortMapping, Recipe, Service } from "../../appcipe/types.js";
import { hostTarget, TARGETS, type Target } from "../../runtime/kit.js";

export { TARGETS, type Target };

/** What the user picks in the wizard; applied to the converted recipe before it is written. */
export interface WizardChoices {
  services: string[];
  /** Keys from `portKey`. */
  ports: string[];
  volumes: string[];
  name: string;
  targets: Target[];
}

/** An app name that is safe as a file name on every target and in the data directory. */
export const APP_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** This machine's target, or none on a machine that is not one; the user then picks. */
export function defaultTargets(): Target[] {
  try {
    return [hostTarget()];
  } catch {
    return [];
  }
}

/** Identifies one published port of one service across screens. */
export function portKey(service: string, index: number): string {
  return `${service}#${index}`;
}

/** How a published port reads in a list: "web 127.0.0.1:8080 -> 80/tcp". */
export function describePort(service: string, p: PortMapping): string {
  const host = p.hostStart === p.hostEnd ? `${p.hostStart}` : `${p.hostStart}-${p.hostEnd}`;
  const inner =
    p.containerStart === p.containerEnd
      ? `${p.containerStart}`
      : `${p.containerStart}-${p.containerEnd}`;
  return `${service}  ${p.hostIp}:${host} -> ${inner}/${p.protocol}`;
}

/** Every choice on, the recipe's name, and the build machine's own target. */
export function defaultChoices(recipe: Recipe): WizardChoices {
  return {
    services: recipe.services.map((s) => s.name),
    ports: recipe.services.flatMap((s) => s.ports.map((_, i) => portKey(s.name, i))),
    volumes: Object.keys(recipe.volumes).sort(),
    name: recipe.name,
    targets: defaultTargets(),
  };
}

/** The ports and volumes worth asking about once the services are chosen. */
export function optionsFor(recipe: Recipe, services: string[]) {
  const kept = recipe.services.filter((s) => services.includes(s.name));
  const ports = kept.flatMap((s) =>
    s.ports.map((p, i) => ({ key: portKey(s.name, i), label: describePort(s.name, p) })),
  );
  const used = new Set(
    kept.flatMap((s) => s.mounts.flatMap((m) => (m.type === "volume" ? [m.source] : []))),
  );
  const volumes = Object.keys(recipe.volumes)
    .filter((v) => used.has(v))
    .sort();
  return { ports, volumes };
}

function trimService(s: Service, c: WizardChoices): Service {
  return {
    ...s,
    ports: s.ports.filter((_, i) => c.ports.includes(portKey(s.name, i))),
    // A volume left out is not persisted: its mount goes, so the data lives in the rootfs for one run.
    mounts: s.mounts.filter((m) => m.type !== "volume" || c.volumes.includes(m.source)),
    dependsOn: s.dependsOn.filter((d) => c.services.includes(d.service)),
  };
}

/**
 * The recipe with the user's choices applied: services left out are dropped along with the
 * dependencies on them, ports and volume mounts left out are removed, and volumes no kept
 * service mounts any more are dropped. Pure: the input recipe is not changed.
 */
export function applyChoices(recipe: Recipe, c: WizardChoices): Recipe {
  const services = recipe.services
    .filter((s) => c.services.includes(s.name))
    .map((s) => trimService(s, c));
  const mounted = new Set(
    services.flatMap((s) => s.mounts.flatMap((m) => (m.type === "volume" ? [m.source] : []))),
  );
  const volumes = Object.fromEntries(
    Object.entries(recipe.volumes).filter(([name]) => mounted.has(name)),
  );
  return { ...recipe, name: c.name, services, volumes };
}
