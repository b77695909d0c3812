import { createContext, useContext } from "react";

/**
 * Colors by role, never raw colors in components. Under NO_COLOR (or TERM=dumb) every role is
 * undefined and dim and bold are off, so Ink writes no styling escape codes and the UI still reads by its text.
 */
export interface Theme {
  accent?: string;
  ok?: string;
  warn?: string;
  error?: string;
  /** Secondary text: hints, finished steps. */
  dim: boolean;
  /** Titles and the selected row. */
  bold: boolean;
}

export const colorTheme: Theme = {
  accent: "cyan",
  ok: "green",
  warn: "yellow",
  error: "red",
  dim: true,
  bold: true,
};
export const plainTheme: Theme = { dim: false, bold: false };

export function themeFor(env: NodeJS.ProcessEnv = process.env): Theme {
  return env.NO_COLOR || env.TERM === "dumb" ? plainTheme : colorTheme;
}

export const ThemeContext = createContext<Theme>(colorTheme);

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
