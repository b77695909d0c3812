import type { Dependency, PortMapping, Recipe, Service } from "./types.js";
import { fail, isObj, type Ctx, type Obj } from "./context.js";
import type { Segment } from "./source.js";
import { formatPath } from "./problems.js";
import { formatRange } from "./ports.js";
import { closest } from "./did-you-mean.js";

/** Rules that look at several services at once; `raw` is the file's data, for locations. */
export function checkApp(ctx: Ctx, recipe: Recipe, raw: Obj): void {
  const rawServices = isObj(raw.services) ? raw.services : {};
  checkDependencies(ctx, recipe.services, rawServices);
  checkCycles(ctx, recipe.services, rawServices);
  checkPortClashes(ctx, recipe.services);
  checkInterfaces(ctx, recipe);
  checkUnusedVolumes(ctx, recipe);
  checkNetworkNames(ctx, recipe.services);
}

function dependencyPath(rawServices: Obj, service: string, dep: string): Segment[] {
  const raw = (rawServices[service] as Obj | undefined)?.depends_on;
  const base = ["services", service, "depends_on"];
  return Array.isArray(raw) ? [...base, raw.indexOf(dep)] : [...base, dep];
}

interface DependencyScope {
  byName: Map<string, Service>;
  names: string[];
  path: Segment[];
}

/**
 * Checks each dependency. One on an unknown service that is not required only warns and is
 * dropped, as Compose drops a dependency on a service left out by a profile.
 */
function checkDependencies(ctx: Ctx, services: Service[], rawServices: Obj): void {
  const byName = new Map(services.map((s) => [s.name, s]));
  const names = Object.keys(rawServices);
  for (const s of services) {
    for (const d of s.dependsOn) {
      checkDependency(ctx, s.name, d, {
        byName,
        names,
        path: dependencyPath(rawServices, s.name, d.service),
      });
    }
    s.dependsOn = s.dependsOn.filter((d) => d.required || names.includes(d.service));
  }
}

function checkDependency(ctx: Ctx, name: string, d: Dependency, scope: DependencyScope): void {
  const { path, names } = scope;
  if (d.service === name) {
    fail(ctx, {
      code: "recipe/self-dependency",
      path,
      message: `\`${name}\` depends on itself`,
      fix: `remove \`${name}\` from its own depends_on`,
    });
  } else if (!names.includes(d.service)) {
    const guess = closest(d.service, names);
    ctx.problems[d.required ? "error" : "warn"]({
      code: "recipe/unknown-dependency",
      path,
      message: `\`${name}\` depends on \`${d.service}\`, which is not a service of this recipe`,
      fix: guess
        ? `did you mean \`${guess}\`?`
        : `add a service \`${d.service}\` or remove the dependency; the services are: ${names.join(", ")}`,
    });
  } else if (
    d.condition === "service_healthy" &&
    scope.byName.get(d.service)?.healthcheck === null
  ) {
    fail(ctx, {
      code: "recipe/never-healthy",
      path,
      message: `\`${name}\` waits for \`${d.service}\` to be healthy, but its healthcheck is disabled`,
      fix: `give \`${d.service}\` a healthcheck, or use condition: service_started`,
    });
  }
}

/** Names each dependency cycle once, in the order it is walked: a -> b -> a. */
function checkCycles(ctx: Ctx, services: Service[], rawServices: Obj): void {
  const deps = new Map(
    services.map((s) => [s.name, s.dependsOn.map((d) => d.service).filter((n) => n !== s.name)]),
  );
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting")
      return reportCycle(ctx, [...stack.slice(stack.indexOf(name)), name], rawServices);
    state.set(name, "visiting");
    stack.push(name);
    for (const next of deps.get(name) ?? []) if (deps.has(next)) visit(next);
    stack.pop();
    state.set(name, "done");
  };
  for (const s of services) visit(s.name);
}

function reportCycle(ctx: Ctx, cycle: string[], rawServices: Obj): void {
  const [from, to] = cycle as [string, string];
  fail(ctx, {
    code: "recipe/dependency-cycle",
    path: dependencyPath(rawServices, from, to),
    message: `depends_on forms a cycle: ${cycle.join(" -> ")}, so no service in it can start first`,
    fix: `remove one of these dependencies, e.g. \`${to}\` from \`${from}\`'s depends_on`,
  });
}

const WILDCARD = new Set(["0.0.0.0", "::"]);

function clashes(a: PortMapping, b: PortMapping): boolean {
  const sameIp = a.hostIp === b.hostIp || WILDCARD.has(a.hostIp) || WILDCARD.has(b.hostIp);
  return (
    a.protocol === b.protocol && sameIp && a.hostStart <= b.hostEnd && b.hostStart <= a.hostEnd
  );
}

/** Two mappings clash when they share a protocol, an address (0.0.0.0 is every one) and a port. */
function checkPortClashes(ctx: Ctx, services: Service[]): void {
  const seen: { port: PortMapping; path: Segment[] }[] = [];
  for (const s of services) {
    if (ctx.problems.hasErrorAt(["services", s.name, "ports"])) continue;
    s.ports.forEach((port, i) => {
      const path = ["services", s.name, "ports", i];
      const other = seen.find((x) => clashes(x.port, port));
      if (other) {
        const what = `${formatRange(port.hostStart, port.hostEnd)}/${port.protocol} on ${port.hostIp}`;
        fail(ctx, {
          code: "recipe/port-clash",
          path,
          message: `host port ${what} is already published by ${formatPath(other.path)}`,
          fix: "publish one of them on another host port",
        });
      }
      seen.push({ port, path });
    });
  }
}

function checkInterfaces(ctx: Ctx, recipe: Recipe): void {
  const terminals = recipe.services.filter(
    (s) => s.interfaceMode === "terminal" || s.interfaceMode === "both",
  );
  for (const extra of terminals.slice(1)) {
    fail(ctx, {
      code: "recipe/two-terminals",
      path: ["services", extra.name, "interface_mode"],
      message: `\`${extra.name}\` and \`${terminals[0]?.name}\` both want the terminal; only one service can have it`,
      fix: "set interface_mode: none (or gui) on all but one of them",
    });
  }
  const visible = recipe.services.some((s) => s.interfaceMode !== "none");
  if (recipe.console === "hidden" && !visible) {
    fail(ctx, {
      code: "recipe/hidden-console",
      path: ["console"],
      message: "console: hidden leaves the app with no window and no terminal",
      fix: "give a service interface_mode: gui (or terminal), or use console: auto",
    });
  }
}

function checkUnusedVolumes(ctx: Ctx, recipe: Recipe): void {
  const used = new Set(
    recipe.services.flatMap((s) =>
      s.mounts.flatMap((m) => (m.type === "volume" ? [m.source] : [])),
    ),
  );
  for (const name of Object.keys(recipe.volumes)) {
    if (!used.has(name))
      ctx.problems.warn({
        code: "recipe/unused-volume",
        path: ["volumes", name],
        atKey: true,
        message: `volume \`${name}\` is declared but no service mounts it`,
        fix: `mount it in a service (volumes: ["${name}:/path"]) or remove it`,
      });
  }
}

/** Each name on the app network (service names and aliases) must lead to one service. */
function checkNetworkNames(ctx: Ctx, services: Service[]): void {
  const owner = new Map(services.map((s) => [s.name.toLowerCase(), s.name]));
  for (const s of services) {
    s.aliases.forEach((alias, i) => {
      const other = owner.get(alias.toLowerCase());
      if (other !== undefined && other !== s.name) {
        fail(ctx, {
          code: "recipe/duplicate-network-name",
          path: ["services", s.name, "aliases", i],
          message: `alias \`${alias}\` already names service \`${other}\``,
          fix: "pick an alias no other service uses",
        });
      } else owner.set(alias.toLowerCase(), s.name);
    });
  }
}
