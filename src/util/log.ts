/**
 * Leveled logging to stderr. stdout is kept for results only. Debug output comes on with
 * --verbose or CHEFER_LOG=debug, the same switch the native runtime reads.
 */
export type LogLevel = "error" | "warn" | "info" | "debug";

const order: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

let current: LogLevel = levelFromEnv(process.env.CHEFER_LOG);

function levelFromEnv(value: string | undefined): LogLevel {
  return value && value in order ? (value as LogLevel) : "info";
}

export function setLogLevel(level: LogLevel): void {
  current = level;
}

export function logLevel(): LogLevel {
  return current;
}

/** True when stderr is a terminal and NO_COLOR is not set: only then are escape codes used. */
export function useColor(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
}

function paint(code: number, text: string): string {
  return useColor() ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export const color = {
  red: (t: string) => paint(31, t),
  yellow: (t: string) => paint(33, t),
  green: (t: string) => paint(32, t),
  dim: (t: string) => paint(2, t),
  bold: (t: string) => paint(1, t),
};

function emit(level: LogLevel, message: string): void {
  if (order[level] > order[current]) return;
  process.stderr.write(`${message}\n`);
}

export const log = {
  error: (m: string) => emit("error", `${color.red("error")}: ${m}`),
  warn: (m: string) => emit("warn", `${color.yellow("warning")}: ${m}`),
  info: (m: string) => emit("info", m),
  debug: (m: string) => emit("debug", color.dim(`debug: ${m}`)),
};
