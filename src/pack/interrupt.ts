import { rmSync } from "node:fs";

/** Paths to delete if the process is interrupted: partial executables, exported archives. */
const tracked = new Set<string>();

function onSignal(signal: NodeJS.Signals): void {
  for (const path of tracked) rmSync(path, { recursive: true, force: true });
  tracked.clear();
  uninstall();
  // Die of the same signal, so the shell sees an interrupted command (exit 130 for SIGINT).
  process.kill(process.pid, signal);
}

function install(): void {
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

function uninstall(): void {
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
}

/**
 * Removes `path` (a file or a directory) if SIGINT or SIGTERM arrives before the returned
 * function is called. SIGKILL cannot be caught; that is why unfinished files carry names
 * that never look finished.
 */
export function removeOnInterrupt(path: string): () => void {
  if (tracked.size === 0) install();
  tracked.add(path);
  return () => {
    tracked.delete(path);
    if (tracked.size === 0) uninstall();
  };
}
