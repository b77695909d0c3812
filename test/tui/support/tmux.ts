import { execFileSync } from "node:child_process";

/**
 * A private tmux server with one 80x24 window running a command: the terminal a person would
 * use, driven with send-keys and read with capture-pane.
 */
export interface TmuxTerminal {
  keys: (...keys: string[]) => void;
  resize: (columns: number, rows: number) => void;
  screen: () => string;
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  close: () => void;
}

/** Why tmux cannot be used here, or undefined when it can. */
export function tmuxMissing(): string | undefined {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "tmux is not installed (apt-get install tmux)";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function openTerminal(
  command: string,
  options: { cwd: string; env?: Record<string, string> },
): TmuxTerminal {
  const socket = `chefer-test-${process.pid}`;
  const tmux = (...args: string[]) =>
    execFileSync("tmux", ["-L", socket, ...args], {
      encoding: "utf8",
      env: { ...process.env, ...options.env },
    });
  tmux("new-session", "-d", "-x", "80", "-y", "24", "-c", options.cwd, command);
  const screen = () => tmux("capture-pane", "-p");
  return {
    keys: (...keys) => void tmux("send-keys", ...keys),
    resize: (columns, rows) =>
      void tmux("resize-window", "-x", String(columns), "-y", String(rows)),
    screen,
    waitFor: async (pattern, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = screen();
        if (pattern.test(text)) {
          // Let the new screen attach its key handlers before the next key arrives.
          await sleep(150);
          return text;
        }
        if (Date.now() > deadline)
          throw new Error(`the terminal never showed ${pattern}; it shows:\n${text}`);
        await sleep(100);
      }
    },
    close: () => {
      try {
        tmux("kill-server");
      } catch {
        // The server is gone already when its only command exited.
      }
    },
  };
}
