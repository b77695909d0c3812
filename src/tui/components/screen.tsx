import type { ReactNode } from "react";
import { Box, Text } from "ink";
import { useTheme } from "../theme.js";
import { useTerminalSize } from "../use-terminal-size.js";
import { KeyHints } from "./key-hints.js";

/**
 * The frame every wizard screen shares: a title line, the body, and the keys at the bottom,
 * sized to the terminal so nothing scrolls off an 80x24 screen.
 */
export function Screen(props: {
  title: string;
  step?: string;
  hints: [string, string][];
  children: ReactNode;
}) {
  const theme = useTheme();
  const { columns } = useTerminalSize();
  return (
    <Box flexDirection="column" width={columns}>
      <Text bold={theme.bold} color={theme.accent} wrap="truncate">
        {`chefer · ${props.title}${props.step ? `  (${props.step})` : ""}`}
      </Text>
      <Box flexDirection="column" marginY={1}>
        {props.children}
      </Box>
      <KeyHints hints={props.hints} />
    </Box>
  );
}
