import { formatBytes, type ProgressEvent, type ProgressSink } from "../util/progress.js";
import { color } from "../util/log.js";

interface Active {
  label: string;
  done: number;
  total?: number;
  unit: "bytes" | "items";
}

export interface ProgressRenderer {
  sink: ProgressSink;
  /** Clears the live lines; call once when the command ends. */
  close(): void;
}

/**
 * Renders progress events on stderr: live bars on a terminal, plain lines otherwise
 * ("compressing layers 3/12", then "layers compressed"). Byte counts only show live; in
 * plain mode they appear once, on the finished line.
 */
export function renderProgress(stream: NodeJS.WriteStream = process.stderr): ProgressRenderer {
  const live = Boolean(stream.isTTY) && process.env.TERM !== "dumb";
  return live ? liveRenderer(stream) : plainRenderer(stream);
}

function countText(s: Active): string {
  if (s.unit === "bytes")
    return s.total ? `${formatBytes(s.done)}/${formatBytes(s.total)}` : formatBytes(s.done);
  return s.total !== undefined ? `${s.done}/${s.total}` : `${s.done}`;
}

function track(steps: Map<string, Active>, e: ProgressEvent): Active | undefined {
  if (e.kind === "step-start") {
    const s: Active = { label: e.label, done: 0, total: e.total, unit: e.unit ?? "items" };
    steps.set(e.step, s);
    return s;
  }
  if (e.kind !== "step-progress" && e.kind !== "step-end") return undefined;
  const s = steps.get(e.step);
  if (s && e.kind === "step-progress") {
    s.done = e.done;
    s.total = e.total ?? s.total;
  }
  if (e.kind === "step-end") steps.delete(e.step);
  return s;
}

function plainRenderer(stream: NodeJS.WriteStream): ProgressRenderer {
  const steps = new Map<string, Active>();
  const sink: ProgressSink = (e) => {
    const s = track(steps, e);
    if (e.kind === "message") stream.write(`${e.level === "warn" ? "warning: " : ""}${e.text}\n`);
    else if (e.kind === "step-end") {
      const bytes = s?.unit === "bytes" && s.done > 0 ? ` (${formatBytes(s.done)})` : "";
      stream.write(`${e.label}${bytes}\n`);
    } else if (s && s.unit === "items" && s.total !== undefined) {
      stream.write(`${s.label} ${countText(s)}\n`);
    }
  };
  return { sink, close: () => {} };
}

function bar(s: Active, width: number): string {
  if (!s.total) return "";
  const filled = Math.min(width, Math.round((s.done / s.total) * width));
  return `[${"#".repeat(filled)}${" ".repeat(width - filled)}] `;
}

function liveRenderer(stream: NodeJS.WriteStream): ProgressRenderer {
  const steps = new Map<string, Active>();
  let drawn = 0;
  let last = 0;
  const clear = () => {
    if (drawn > 0) stream.write(`\u001b[${drawn}A\u001b[0J`);
    drawn = 0;
  };
  const draw = () => {
    clear();
    const lines = [...steps.values()].map((s) => `${s.label} ${bar(s, 24)}${countText(s)}`);
    for (const line of lines) stream.write(`${line.slice(0, (stream.columns || 100) - 1)}\n`);
    drawn = lines.length;
    last = Date.now();
  };
  const sink: ProgressSink = (e) => {
    const s = track(steps, e);
    if (e.kind === "message" || e.kind === "step-end") {
      clear();
      if (e.kind === "message")
        stream.write(`${e.level === "warn" ? color.yellow("warning: ") : ""}${e.text}\n`);
      else
        stream.write(
          `${color.green("✔")} ${e.label}${s?.unit === "bytes" && s.done ? ` (${formatBytes(s.done)})` : ""}\n`,
        );
      draw();
    } else if (e.kind === "step-start" || Date.now() - last > 100) draw();
  };
  return { sink, close: clear };
}
