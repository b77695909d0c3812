/** One compose service to one recipe service: each translator fills its part. */
import type { Service } from "../../appcipe/types.js";
import { child, isScalar, keyLoc, text, type YMap } from "../node.js";
import { warnAt, type ProjectContext, type ServiceContext } from "./context.js";
import { translateEnvironment } from "./environment.js";
import { translateFiles } from "./files.js";
import { translateGpu } from "./gpu.js";
import { translateHealthcheck } from "./health.js";
import { translateImage } from "./image.js";
import { translateLifecycle } from "./lifecycle.js";
import { translateNetworkNames } from "./network.js";
import { translatePorts } from "./ports.js";
import { translateProcess } from "./process.js";
import { translateSecurity } from "./security.js";
import { translateVolumes } from "./volumes.js";

/** Translates a service; undefined when its image cannot be determined (errors reported). */
export function translateService(
  project: ProjectContext,
  name: string,
  node: YMap,
): Service | undefined {
  const ctx: ServiceContext = { ...project, name, node };
  const image = translateImage(ctx);
  const volumes = translateVolumes(ctx);
  const service: Service = {
    name,
    image: image ?? { source: "image", ref: "" },
    ...translateProcess(ctx),
    env: translateEnvironment(ctx),
    mounts: volumes.mounts,
    files: [...volumes.files, ...translateFiles(ctx)],
    ...translatePorts(ctx),
    interfaceMode: "none",
    ...translateLifecycle(ctx),
    ...translateNetworkNames(ctx),
    gpu: translateGpu(ctx),
    ...translateSecurity(ctx),
  };
  const health = translateHealthcheck(ctx);
  if (health !== undefined) service.healthcheck = health;
  warnScale(ctx);
  return image ? service : undefined;
}

/** One instance of each service runs; replicas or scale above 1 say so. */
function warnScale(ctx: ServiceContext): void {
  const deploy = ctx.node.entries.get("deploy");
  const candidates: [YMap | undefined, string, (string | number)[]][] = [
    [ctx.node, "scale", ["scale"]],
    [deploy?.kind === "map" ? deploy : undefined, "replicas", ["deploy", "replicas"]],
  ];
  for (const [map, key, path] of candidates) {
    const value = child(map, key);
    if (!map || !isScalar(value) || typeof value.value !== "number" || value.value <= 1) continue;
    warnAt(
      ctx,
      "compose/scale",
      keyLoc(map, key),
      path,
      `${text(value)} instances are requested; the app runs one`,
      `remove ${key}, or declare one service per instance`,
    );
  }
}
