import { relative } from "node:path";
import type { ImageSource, Mount, Recipe, Service } from "./types.js";
import { formatPort } from "./ports.js";

/** The human summary `chefer check` prints on a terminal: the app, then one row per service. */
export function summarizeRecipe(recipe: Recipe, cwd: string = process.cwd()): string {
  const app: [string, string][] = [
    ["name", recipe.name],
    ["app version", recipe.appVersion ?? "-"],
    ["network", recipe.network],
    ["console", recipe.console],
    ["data dir", recipe.dataDir ?? "platform default"],
    ["old names", recipe.oldNames.join(", ") || "-"],
    ["volumes", Object.keys(recipe.volumes).join(", ") || "-"],
  ];
  const rows = recipe.services.map((s) => serviceRow(s, cwd));
  const head = ["SERVICE", "IMAGE", "MODE", "PORTS", "MOUNTS", "DEPENDS ON"];
  return [
    `${recipe.file ? shortPath(recipe.file, cwd) : "recipe"} is valid: ${recipe.services.length} ${recipe.services.length === 1 ? "service" : "services"}`,
    "",
    "app",
    ...table(app).map((line) => `  ${line}`),
    "",
    ...table([head, ...rows]),
    "",
  ].join("\n");
}

function serviceRow(s: Service, cwd: string): string[] {
  return [
    s.name,
    describeImage(s.image, cwd),
    s.interfaceMode,
    s.ports.map(formatPort).join(", ") || "-",
    s.mounts.map(describeMount).join(", ") || "-",
    s.dependsOn
      .map((d) =>
        d.condition === "service_started"
          ? d.service
          : `${d.service} (${d.condition.replace("service_", "")})`,
      )
      .join(", ") || "-",
  ];
}

function shortPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") ? rel : path;
}

function describeImage(image: ImageSource, cwd: string): string {
  const platform = image.platform ? ` [${image.platform}]` : "";
  switch (image.source) {
    case "image":
      return `${image.ref}${platform}`;
    case "docker":
      return `docker:${image.ref}${platform}`;
    case "tar":
      return `${shortPath(image.file, cwd)}${image.format === "auto" ? "" : ` (${image.format})`}${platform}`;
    case "dockerfile":
      return `dockerfile:${shortPath(image.context, cwd)}${image.target ? ` (${image.target})` : ""}${platform}`;
  }
}

function describeMount(m: Mount): string {
  const ro = "readOnly" in m && m.readOnly ? ":ro" : "";
  return m.type === "tmpfs" ? `tmpfs:${m.target}` : `${m.source}:${m.target}${ro}`;
}

/** Left-aligned columns two spaces apart; the last column is not padded. */
function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}
