import { Box, Text } from "ink";
import type { LogLine } from "../events.js";
import { useTheme } from "../theme.js";

// TODO(limitation): no scrollback; only the newest lines that fit are shown.
/**
 * The last `height` lines of one service's output, newest at the bottom like a terminal.
 * Lines are cut at the pane's width rather than wrapped so the layout never shifts.
 */
export function LogPane(props: { title: string; lines: LogLine[]; height: number }) {
  const theme = useTheme();
  const rows = Math.max(0, props.height);
  const shown = rows === 0 ? [] : props.lines.slice(-rows);
  return (
    <Box flexDirection="column">
      <Text bold={theme.bold} wrap="truncate">
        {`── ${props.title} ${shown.length === 0 ? "(no output yet)" : ""}`}
      </Text>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate" color={l.stream === "stderr" ? theme.warn : undefined}>
          {l.line === "" ? " " : l.line}
        </Text>
      ))}
    </Box>
  );
}
