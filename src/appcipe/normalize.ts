import {
  RECIPE_VERSION,
  type ConsoleMode,
  type NetworkMode,
  type Recipe,
  type Service,
} from "./types.js";
import { entries, fail, isObj, isStr, type Ctx, type Obj } from "./context.js";
import { checkAppName, checkServiceName } from "./names.js";
import { normalizeService } from "./service.js";
import { scalarText } from "./scalar-text.js";

/** The top level of a recipe whose shape already passed the schema. */
export function normalizeRecipe(ctx: Ctx, data: Obj, file: string): Recipe {
  checkVersion(ctx, data.version);
  const declared = declaredVolumes(ctx, data.volumes);
  const services = normalizeServices(ctx, data.services, declared);
  return {
    version: RECIPE_VERSION,
    name: isStr(data.name) && checkAppName(ctx, data.name, ["name"]) ? data.name : "",
    ...appVersion(ctx, data.app_version),
    ...dataDir(ctx, data.data_dir),
    oldNames: oldNames(ctx, data.old_names, data.name),
    crash: crashPolicy(ctx, data),
    network: (isStr(data.network) ? data.network : "bridge") as NetworkMode,
    console: (isStr(data.console) ? data.console : "auto") as ConsoleMode,
    volumes: Object.fromEntries([...declared].sort().map((name) => [name, { name }])),
    services,
    file,
  };
}

function checkVersion(ctx: Ctx, version: unknown): void {
  if (!isStr(version) || version === RECIPE_VERSION) return;
  fail(ctx, {
    code: "recipe/unsupported-version",
    path: ["version"],
    message: `recipe version \`${version}\` is not supported; this chefer reads version "${RECIPE_VERSION}"`,
    fix: `write version: "${RECIPE_VERSION}", or use the chefer release that wrote this recipe`,
  });
}

/** Kept as written, so `1.10` stays `1.10` rather than the number 1.1. */
function appVersion(ctx: Ctx, value: unknown): { appVersion?: string } {
  if (value === undefined) return {};
  return { appVersion: scalarText(ctx, value, ["app_version"]) };
}

/**
 * The data directory lives on the user's machine: absolute, `~/...`, or relative to the
 * executable's directory (a portable app keeping its data beside itself).
 */
function dataDir(ctx: Ctx, value: unknown): { dataDir?: string } {
  if (!isStr(value)) return {};
  if (value.trim() === "") {
    fail(ctx, {
      code: "recipe/empty-data-dir",
      path: ["data_dir"],
      message: "data_dir is empty",
      fix: "remove data_dir to use the platform default, or write a path such as ~/.local/share/MyApp",
    });
    return {};
  }
  if (!/^(\/|~$|~\/)/.test(value)) {
    ctx.problems.warn({
      code: "recipe/relative-data-dir",
      path: ["data_dir"],
      message: `data_dir \`${value}\` is relative: it is resolved on the user's machine against the executable's directory`,
      fix: "to silence this, write an absolute path or ~/...",
    });
  }
  return { dataDir: value === "~" ? "~/" : value };
}

function oldNames(ctx: Ctx, value: unknown, name: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const names = value.filter(
    (v, i): v is string => isStr(v) && checkAppName(ctx, v, ["old_names", i], "an old name"),
  );
  const index = names.indexOf(String(name));
  if (index >= 0)
    fail(ctx, {
      code: "recipe/old-name-is-name",
      path: ["old_names", value.indexOf(name)],
      message: "an old name equals the current name",
      fix: "remove it from old_names",
    });
  return [...new Set(names.filter((n) => n !== name))];
}

function crashPolicy(ctx: Ctx, data: Obj): "fail_fast" {
  if (data.crash !== undefined && data.crash_policy !== undefined) {
    fail(ctx, {
      code: "recipe/conflicting-keys",
      path: ["crash_policy"],
      atKey: true,
      message: "both `crash` and its old spelling `crash_policy` are set",
      fix: "keep `crash` and remove `crash_policy`",
    });
  }
  return "fail_fast";
}

function declaredVolumes(ctx: Ctx, value: unknown): Set<string> {
  const names = entries(value).map(([name]) => name);
  return new Set(
    names.filter((name) => checkServiceName(ctx, name, ["volumes", name], "volume name")),
  );
}

function normalizeServices(ctx: Ctx, value: unknown, declared: Set<string>): Service[] {
  const services: Service[] = [];
  for (const [name, svc] of entries(value)) {
    if (!checkServiceName(ctx, name, ["services", name], "service name") || !isObj(svc)) continue;
    services.push(normalizeService(ctx, name, svc, ["services", name], declared));
  }
  return services.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
