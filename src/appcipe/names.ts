import { posix } from "node:path";
import { isIP } from "node:net";
import { fail, type Ctx } from "./context.js";
import type { Segment } from "./source.js";

const APP_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const HOST_LABEL = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const ENV_KEY = /^[^=\s\0]+$/;

/** App names become file and directory names on every platform, hence the narrow rule. */
export function checkAppName(
  ctx: Ctx,
  name: string,
  path: Segment[],
  what = "the app name",
): boolean {
  if (!APP_NAME.test(name)) {
    return !!fail(ctx, {
      code: "recipe/bad-name",
      path,
      message: `${what} \`${name}\` may hold only letters, digits, _ and -, and must start with a letter`,
      fix: `write \`${suggestName(name)}\``,
    });
  }
  if (name.length > 64) {
    return !!fail(ctx, {
      code: "recipe/bad-name",
      path,
      message: `${what} is ${name.length} characters long; at most 64 are allowed`,
      fix: "shorten it",
    });
  }
  return true;
}

function suggestName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^[^A-Za-z]+/, "");
  return (cleaned || "MyApp").slice(0, 64);
}

/** Service and volume names, as Compose allows them. */
export function checkServiceName(ctx: Ctx, name: string, path: Segment[], what: string): boolean {
  if (SERVICE_NAME.test(name) && name.length <= 63) return true;
  return !!fail(ctx, {
    code: "recipe/bad-name",
    path,
    atKey: true,
    message: `${what} \`${name}\` may hold only letters, digits, _, . and -, must start with a letter or digit, and be at most 63 characters`,
    fix: `rename it, e.g. \`${name.replace(/[^a-zA-Z0-9_.-]+/g, "-").replace(/^[^a-zA-Z0-9]+/, "") || "app"}\``,
  });
}

export function checkHostname(ctx: Ctx, name: string, path: Segment[]): boolean {
  const ok = name.length <= 253 && name.split(".").every((label) => HOST_LABEL.test(label));
  if (ok) return true;
  return !!fail(ctx, {
    code: "recipe/bad-hostname",
    path,
    message: `\`${name}\` is not a valid host name`,
    fix: "use letters, digits and -, in dot-separated parts of at most 63 characters",
  });
}

export function checkEnvKey(ctx: Ctx, key: string, path: Segment[]): boolean {
  if (ENV_KEY.test(key)) return true;
  return !!fail(ctx, {
    code: "recipe/bad-env-key",
    path,
    atKey: true,
    message: `environment variable name \`${key}\` is empty or holds =, a space or a NUL`,
    fix: "rename the variable, e.g. MY_SETTING",
  });
}

/** An absolute path inside a container, cleaned: `/var/lib/x/` -> `/var/lib/x`. */
export function containerPath(
  ctx: Ctx,
  value: string,
  path: Segment[],
  what: string,
): string | undefined {
  if (!value.startsWith("/")) {
    return fail(ctx, {
      code: "recipe/relative-container-path",
      path,
      message: `${what} \`${value}\` is not an absolute path inside the container`,
      fix: `start it with /, e.g. \`/${value.replace(/^\.?\/*/, "")}\``,
    });
  }
  const clean = posix.normalize(value);
  return clean.length > 1 && clean.endsWith("/") ? clean.slice(0, -1) : clean;
}

/** An IPv4 or IPv6 address; IPv6 may be written in brackets. */
export function parseIp(text: string): string | undefined {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  return isIP(bare) ? bare : undefined;
}
