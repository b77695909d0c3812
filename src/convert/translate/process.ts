/**
 * How a service's process starts: command and entrypoint as argv lists (Compose splits a
 * string shell-style; it does not run it through `sh -c`), working directory, user, init.
 */
import type { Command, Service } from "../../appcipe/types.js";
import { isScalar, isSeq, text, truthy, type YNode } from "../node.js";
import { ShellWordsError, shellWords } from "../syntax/shell-words.js";
import { errorAt, type ServiceContext } from "./context.js";

type ProcessFields = Pick<Service, "entrypoint" | "cmd" | "workdir" | "user" | "init">;

export function translateProcess(ctx: ServiceContext): ProcessFields {
  const out: ProcessFields = { init: truthy(ctx.node.entries.get("init")) };
  const entrypoint = command(ctx, "entrypoint");
  const cmd = command(ctx, "command");
  if (entrypoint) out.entrypoint = entrypoint;
  if (cmd) out.cmd = cmd;
  const workdir = text(ctx.node.entries.get("working_dir"));
  const user = text(ctx.node.entries.get("user"));
  if (workdir) out.workdir = workdir;
  if (user) out.user = user;
  return out;
}

function command(ctx: ServiceContext, key: "command" | "entrypoint"): Command | undefined {
  const node: YNode | undefined = ctx.node.entries.get(key);
  if (!node || (isScalar(node) && node.value === null)) return undefined;
  if (isSeq(node)) return { argv: node.items.map((i) => text(i) ?? "") };
  try {
    return { argv: shellWords(text(node) ?? "") };
  } catch (error) {
    if (!(error instanceof ShellWordsError)) throw error;
    errorAt(
      ctx,
      "compose/command-syntax",
      node.loc,
      [key],
      error.message,
      "close the quote, or write the command as a list",
    );
    return undefined;
  }
}
