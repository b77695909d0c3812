/**
 * GPU access: `gpus: all`, a `gpus` list, or a `deploy.resources.reservations.devices` entry
 * with the gpu capability. Specific device ids become a list, anything else all GPUs.
 */
import { child, isSeq, text, type YNode } from "../node.js";
import { warnAt, type ServiceContext } from "./context.js";

export function translateGpu(ctx: ServiceContext): boolean | number[] {
  const requests = [
    ...gpusKey(ctx.node.entries.get("gpus")),
    ...deployDevices(ctx),
    ...runtime(ctx),
  ];
  if (requests.length === 0) return false;
  const ids = requests.flatMap((r) =>
    isSeq(child(r, "device_ids"))
      ? (child(r, "device_ids") as { items: YNode[] }).items.map(text)
      : [],
  );
  const numeric = ids
    .filter((id): id is string => id !== undefined && /^\d+$/.test(id))
    .map(Number);
  return numeric.length > 0 && numeric.length === ids.length ? numeric : true;
}

function gpusKey(node: YNode | undefined): YNode[] {
  if (!node) return [];
  if (isSeq(node)) return node.items;
  return text(node) ? [node] : [];
}

function deployDevices(ctx: ServiceContext): YNode[] {
  const devices = child(
    child(child(ctx.node.entries.get("deploy"), "resources"), "reservations"),
    "devices",
  );
  if (!isSeq(devices)) return [];
  return devices.items.filter((d) => {
    const caps = child(d, "capabilities");
    return isSeq(caps) && caps.items.some((c) => text(c) === "gpu");
  });
}

/** `runtime: nvidia` is the older way to ask for GPUs; other runtimes have no counterpart. */
function runtime(ctx: ServiceContext): YNode[] {
  const node = ctx.node.entries.get("runtime");
  const name = text(node);
  if (!node || !name || name === "runc") return [];
  if (name === "nvidia") return [node];
  warnAt(
    ctx,
    "compose/runtime",
    node.loc,
    ["runtime"],
    `the ${name} runtime is not used; the app runtime starts the service`,
    "remove runtime",
  );
  return [];
}
