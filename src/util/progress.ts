/**
 * One interface for progress of every long step (pull, export, compress, build, first-run
 * extraction). Producers emit events; the CLI renders bars on a TTY or plain lines otherwise,
 * and the TUI subscribes to the same events.
 */
export type ProgressEvent =
  | { kind: "step-start"; step: string; label: string; total?: number; unit?: "bytes" | "items" }
  | { kind: "step-progress"; step: string; done: number; total?: number }
  | { kind: "step-end"; step: string; label: string }
  | { kind: "message"; level: "info" | "warn"; text: string };

export type ProgressSink = (event: ProgressEvent) => void;

/** A sink that drops everything, for library callers that do not care. */
export const silentProgress: ProgressSink = () => {};

/** Formats a byte count the way progress lines show it: "12.3 MiB". */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}
