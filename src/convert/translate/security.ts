/**
 * What a service's process may do: cap_add and cap_drop carry over as they are, privileged
 * becomes every capability without the seccomp filter (inside the app's user namespace, so
 * never host root), and security_opt's seccomp=unconfined turns the filter off. Other
 * security options have no counterpart and are warned about.
 */
import type { Service } from "../../appcipe/types.js";
import { canonicalCapability } from "../../appcipe/capabilities.js";
import { isSeq, keyLoc, text, truthy, type YNode } from "../node.js";
import { warnAt, type ServiceContext } from "./context.js";

type SecurityFields = Pick<Service, "capAdd" | "capDrop" | "privileged" | "seccomp">;

export function translateSecurity(ctx: ServiceContext): SecurityFields {
  const out: SecurityFields = {};
  const capAdd = capabilities(ctx, "cap_add");
  const capDrop = capabilities(ctx, "cap_drop");
  if (capAdd.length > 0) out.capAdd = capAdd;
  if (capDrop.length > 0) out.capDrop = capDrop;
  if (truthy(ctx.node.entries.get("privileged"))) {
    out.privileged = true;
    warnAt(
      ctx,
      "compose/privileged",
      keyLoc(ctx.node, "privileged"),
      ["privileged"],
      "the service gets every capability and no seccomp filter inside the app's user namespace; it is not root on the host and sees no host devices",
      "nothing to change if the service only needs capabilities; otherwise it cannot run in a chefer app",
    );
  }
  if (securityOptions(ctx)) out.seccomp = "unconfined";
  return out;
}

function capabilities(ctx: ServiceContext, key: "cap_add" | "cap_drop"): string[] {
  const node = ctx.node.entries.get(key);
  if (!isSeq(node)) return [];
  const out: string[] = [];
  node.items.forEach((item: YNode, i) => {
    const name = canonicalCapability(text(item) ?? "");
    if (name && !out.includes(name)) out.push(name);
    if (!name)
      warnAt(
        ctx,
        "compose/unknown-capability",
        item.loc,
        [key, i],
        `\`${text(item) ?? ""}\` is not a Linux capability; it is left out (docker would refuse to start the service)`,
        "write a capability name such as NET_ADMIN, or ALL",
      );
  });
  return out;
}

/** Reads security_opt; true when it turns seccomp off. */
function securityOptions(ctx: ServiceContext): boolean {
  const node = ctx.node.entries.get("security_opt");
  if (!isSeq(node)) return false;
  let unconfined = false;
  node.items.forEach((item: YNode, i) => {
    const option = text(item) ?? "";
    if (/^seccomp[:=]unconfined$/.test(option)) {
      unconfined = true;
      return;
    }
    warnAt(
      ctx,
      "compose/security-opt",
      item.loc,
      ["security_opt", i],
      `\`${option}\` is not applied: only seccomp=unconfined has a counterpart; the service runs with the app's default seccomp filter and no AppArmor or SELinux profile`,
      "remove the option, or write seccomp=unconfined if the service needs system calls the default filter refuses",
    );
  });
  return unconfined;
}
