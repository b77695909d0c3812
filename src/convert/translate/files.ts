/**
 * Configs and secrets become files baked into the service's filesystem: a `file` source is
 * copied at build time, `content` and `environment` sources are written inline. A secret is
 * warned about: it ends up inside a file that gets distributed.
 */
import { existsSync } from "node:fs";
import type { BakedFile } from "../../appcipe/types.js";
import { child, isExternal, isMap, isScalar, isSeq, text, type YNode } from "../node.js";
import { expandHome, octal } from "./volumes.js";
import { errorAt, warnAt, type ServiceContext, shown } from "./context.js";

type Kind = "configs" | "secrets";

export function translateFiles(ctx: ServiceContext): BakedFile[] {
  return [...filesOf(ctx, "configs"), ...filesOf(ctx, "secrets")];
}

function filesOf(ctx: ServiceContext, kind: Kind): BakedFile[] {
  const node = ctx.node.entries.get(kind);
  if (!isSeq(node)) return [];
  return node.items.flatMap((item, i) => {
    const file = bakedFile(ctx, kind, item, i);
    return file ? [file] : [];
  });
}

function bakedFile(ctx: ServiceContext, kind: Kind, item: YNode, i: number): BakedFile | undefined {
  const source = isMap(item) ? text(child(item, "source")) : text(item);
  if (!source) return undefined;
  const def = child(ctx.model.entries.get(kind), source);
  if (!isMap(def)) {
    errorAt(
      ctx,
      `compose/undefined-${kind.slice(0, -1)}`,
      item.loc,
      [kind, i],
      `${kind.slice(0, -1)} "${source}" is not declared under the top-level ${kind}`,
      `declare it: ${kind}: {${source}: {file: ./${source}}}`,
    );
    return undefined;
  }
  const content = sourceOf(ctx, kind, source, def, item, i);
  if (!content) return undefined;
  const target = targetOf(kind, source, item);
  const file: BakedFile = {
    ...content,
    target,
    mode: modeOf(item),
    uid: idOf(item, "uid"),
    gid: idOf(item, "gid"),
  };
  if (kind === "secrets") {
    warnAt(
      ctx,
      "compose/secret-baked",
      item.loc,
      [kind, i],
      `secret "${source}" is baked into the executable at ${target}; anyone with the file can read it`,
      "to keep it out of the executable, put it in a directory bind-mounted into the service and convert with --keep-bind-mounts",
    );
  }
  return file;
}

type Source = Pick<BakedFile, "source" | "content">;

interface SourceCtx {
  ctx: ServiceContext;
  what: string;
  name: string;
  def: YNode;
  item: YNode;
  path: (string | number)[];
}

/** The content of a config or secret: a file, inline content, or a project variable. */
function sourceOf(
  ctx: ServiceContext,
  kind: Kind,
  name: string,
  def: YNode,
  item: YNode,
  i: number,
): Source | undefined {
  const s: SourceCtx = { ctx, what: kind.slice(0, -1), name, def, item, path: [kind, i] };
  if (child(def, "file")) return fileSource(s);
  const content = child(def, "content");
  if (isScalar(content) && content.value !== null) return { content: String(content.value) };
  if (child(def, "environment")) return envSource(s);
  if (isExternal(def)) {
    errorAt(
      ctx,
      "compose/external-source",
      item.loc,
      s.path,
      `${s.what} "${name}" is external: it lives in a Docker engine the app will not have`,
      "give it a file: source instead of external",
    );
    return undefined;
  }
  errorAt(
    ctx,
    "compose/file-source",
    item.loc,
    s.path,
    `${s.what} "${name}" has no file, content or environment source`,
    "give it a file: source",
  );
  return undefined;
}

function fileSource(s: SourceCtx): Source | undefined {
  const node = child(s.def, "file") as YNode;
  const file = expandHome(text(node) ?? "");
  if (existsSync(file)) return { source: file };
  errorAt(
    s.ctx,
    "compose/file-missing",
    node.loc,
    s.path,
    `the ${s.what} file ${shown(s.ctx, file)} does not exist`,
    "create the file, or correct the file: path",
  );
  return undefined;
}

function envSource(s: SourceCtx): Source | undefined {
  const variable = text(child(s.def, "environment")) ?? "";
  const value = s.ctx.env[variable];
  if (value !== undefined) return { content: value };
  errorAt(
    s.ctx,
    "compose/unset-variable",
    s.def.loc,
    s.path,
    `${s.what} "${s.name}" reads the variable ${variable}, which is not set`,
    `set ${variable} in the environment or the project's .env file`,
  );
  return undefined;
}

function targetOf(kind: Kind, source: string, item: YNode): string {
  const target = text(child(item, "target"));
  if (kind === "configs")
    return target ? (target.startsWith("/") ? target : `/${target}`) : `/${source}`;
  if (!target) return `/run/secrets/${source}`;
  return target.startsWith("/") ? target : `/run/secrets/${target}`;
}

function modeOf(item: YNode): number {
  const mode = child(item, "mode");
  const value =
    isScalar(mode) && mode.value !== null ? octal(mode.source ?? String(mode.value)) : NaN;
  return Number.isInteger(value) && value >= 0 && value <= 0o7777 ? value : 0o444;
}

function idOf(item: YNode, key: "uid" | "gid"): number {
  const raw = text(child(item, key));
  return raw && /^\d+$/.test(raw) ? Number(raw) : 0;
}
