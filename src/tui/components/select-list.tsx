import { Box, Text } from "ink";
import { useTheme } from "../theme.js";
import { useLatest } from "../use-latest.js";
import { useSyncState } from "../use-sync-state.js";
import { scrollWindow } from "./scroll.js";
import { useKeys } from "../keys.js";

export interface ListItem {
  key: string;
  label: string;
  hint?: string;
}

/** Moves a cursor through `count` rows on ↑/↓ (or k/j), wrapping at both ends. */
export function nextCursor(
  cursor: number,
  count: number,
  input: string,
  up: boolean,
  down: boolean,
): number {
  if (count === 0) return 0;
  if (up || input === "k") return (cursor - 1 + count) % count;
  if (down || input === "j") return (cursor + 1) % count;
  return cursor;
}

/** A single choice: ↑/↓ move, enter picks. Shows at most `height` rows and scrolls. */
export function SelectList(props: {
  items: ListItem[];
  height: number;
  onSelect: (key: string) => void;
  isActive?: boolean;
}) {
  const theme = useTheme();
  const [cursor, setCursor, cursorRef] = useSyncState(0);
  const latest = useLatest(props);
  useKeys((input, key) => {
    const { items, onSelect } = latest.current;
    const item = items[cursorRef.current];
    if (key.return && item) onSelect(item.key);
    else setCursor((c) => nextCursor(c, items.length, input, key.upArrow, key.downArrow));
  }, props.isActive ?? true);
  const { start, end } = scrollWindow(cursor, props.items.length, Math.max(1, props.height));
  return (
    <Box flexDirection="column">
      {props.items.slice(start, end).map((item, i) => {
        const selected = start + i === cursor;
        return (
          <Text
            key={item.key}
            wrap="truncate"
            color={selected ? theme.accent : undefined}
            bold={selected && theme.bold}
          >
            {`${selected ? "›" : " "} ${item.label}${item.hint ? `  ${item.hint}` : ""}`}
          </Text>
        );
      })}
    </Box>
  );
}
