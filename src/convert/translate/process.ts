/**
 * How a service's process starts: command and entrypoint as argv lists (Compose splits a
 * string shell-style; it does not run it through `sh -c`), working directory, user, init.
 */
import type { Command, Service } from "../../appcipe/types.js";
import { isScalar, isSeq, text, truthy, type YNode } from "../node.js";
import { ShellWordsError, shellWords } from "../syntax/shell-words.js";
import { errorAt, warnAt, type ServiceContext } from "./context.js";

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
    const words = shellWords(text(node) ?? "");
    if (words.dropped) warnDropped(ctx, key, node, words.dropped);
    return { argv: words.argv };
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

/** docker compose stops reading a command string at `&&`, `|`, `;`, `>`...; say what is lost. */
function warnDropped(ctx: ServiceContext, key: string, node: YNode, dropped: string): void {
  warnAt(
    ctx,
    "compose/command-operator",
    node.loc,
    [key],
    `docker compose reads the command only up to "${dropped.slice(0, 2).trim()}"; "${dropped}" is dropped, as it is there`,
    `to run it through a shell, write ${key}: ["sh", "-c", ${JSON.stringify(text(node) ?? "")}]`,
  );
}
