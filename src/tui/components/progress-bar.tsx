import { Text } from "ink";
import { useTheme } from "../theme.js";

/** A bar `width` cells wide; an unknown total shows as an empty bar rather than a guess. */
export function barText(done: number, total: number | undefined, width: number): string {
  const cells = Math.max(1, width);
  const fraction = total && total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const full = Math.round(fraction * cells);
  return "█".repeat(full) + "░".repeat(cells - full);
}

export function ProgressBar(props: { done: number; total?: number; width: number }) {
  const theme = useTheme();
  return <Text color={theme.accent}>{barText(props.done, props.total, props.width)}</Text>;
}
