/**
 * Values the recipe fills in when the file leaves them out. Healthcheck timings follow
 * Docker's defaults (not the seed's 2 s interval), so a Compose healthcheck behaves the same.
 */
export const HEALTHCHECK_DEFAULTS = {
  intervalMs: 30_000,
  timeoutMs: 30_000,
  retries: 3,
  startPeriodMs: 0,
  startIntervalMs: 5_000,
} as const;

/** File mode of a baked file when the recipe gives none. */
export const DEFAULT_FILE_MODE = 0o644;
