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

function sourceOf(
  ctx: ServiceContext,
  kind: Kind,
  name: string,
  def: YNode,
  item: YNode,
  i: number,
): Pick<BakedFile, "source" | "content"> | undefined {
  const written = text(child(def, "file"));
  const file = written ? expandHome(written) : undefined;
  if (file && existsSync(file)) return { source: file };
  if (file) {
    errorAt(
      ctx,
      "compose/file-missing",
      (child(def, "file") as YNode).loc,
      [kind, i],
      `the ${kind.slice(0, -1)} file ${shown(ctx, file)} does not exist`,
      "create the file, or correct the file: path",
    );
    return undefined;
  }
  const content = child(def, "content");
  if (isScalar(content) && content.value !== null) return { content: String(content.value) };
  const env = text(child(def, "environment"));
  if (env) {
    const value = ctx.env[env];
    if (value !== undefined) return { content: value };
    errorAt(
      ctx,
      "compose/unset-variable",
      def.loc,
      [kind, i],
      `${kind.slice(0, -1)} "${name}" reads the variable ${env}, which is not set`,
      `set ${env} in the environment or the project's .env file`,
    );
    return undefined;
  }
  if (isExternal(def)) {
    errorAt(
      ctx,
      "compose/external-source",
      item.loc,
      [kind, i],
      `${kind.slice(0, -1)} "${name}" is external: it lives in a Docker engine the app will not have`,
      "give it a file: source instead of external",
    );
    return undefined;
  }
  errorAt(
    ctx,
    "compose/file-source",
    item.loc,
    [kind, i],
    `${kind.slice(0, -1)} "${name}" has no file, content or environment source`,
    "give it a file: source",
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
  if (isScalar(mode) && mode.value !== null) return octal(mode.source ?? String(mode.value));
  return 0o444;
}

function idOf(item: YNode, key: "uid" | "gid"): number {
  const raw = text(child(item, key));
  return raw && /^\d+$/.test(raw) ? Number(raw) : 0;
}
