import { Text } from "ink";
import { useTheme } from "../theme.js";

/** One line naming the keys a screen answers to: "↑↓ move  enter choose  q quit". */
export function KeyHints({ hints }: { hints: [key: string, action: string][] }) {
  const theme = useTheme();
  const text = hints.map(([key, action]) => `${key} ${action}`).join("  ");
  return (
    <Text dimColor={theme.dim} wrap="truncate">
      {text}
    </Text>
  );
}
