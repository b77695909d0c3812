import { useState } from "react";
import { Box, Text } from "ink";
import { useTheme } from "../theme.js";
import { useLatest } from "../use-latest.js";
import { useSyncState } from "../use-sync-state.js";
import { scrollWindow } from "./scroll.js";
import { nextCursor, type ListItem } from "./select-list.js";
import { useKeys } from "../keys.js";

/** Toggles `key` in `chosen`, keeping the items' order. */
export function toggle(items: ListItem[], chosen: string[], key: string): string[] {
  const next = chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key];
  return items.map((i) => i.key).filter((k) => next.includes(k));
}

interface CheckListProps {
  items: ListItem[];
  initial: string[];
  height: number;
  requireOne?: string;
  onSubmit: (keys: string[]) => void;
}

/**
 * Several choices: ↑/↓ move, space toggles, a toggles all, enter accepts. With
 * `requireOne`, enter on an empty selection says so instead of accepting.
 */
export function CheckList(props: CheckListProps) {
  const theme = useTheme();
  const [cursor, setCursor, cursorRef] = useSyncState(0);
  const [chosen, setChosen, chosenRef] = useSyncState(() =>
    props.items.map((i) => i.key).filter((k) => props.initial.includes(k)),
  );
  const [complaint, setComplaint] = useState<string>();
  const latest = useLatest(props);
  useKeys((input, key) => {
    const { items, requireOne, onSubmit } = latest.current;
    const current = items[cursorRef.current];
    if (key.return) {
      if (requireOne && chosenRef.current.length === 0) setComplaint(requireOne);
      else onSubmit(chosenRef.current);
    } else if (input === " " && current) {
      setChosen((c) => toggle(items, c, current.key));
      setComplaint(undefined);
    } else if (input === "a") {
      setChosen((c) => (c.length === items.length ? [] : items.map((i) => i.key)));
    } else setCursor((c) => nextCursor(c, items.length, input, key.upArrow, key.downArrow));
  });
  const { start, end } = scrollWindow(cursor, props.items.length, Math.max(1, props.height));
  return (
    <Box flexDirection="column">
      {props.items.slice(start, end).map((item, i) => {
        const here = start + i === cursor;
        const mark = chosen.includes(item.key) ? "[x]" : "[ ]";
        return (
          <Text
            key={item.key}
            wrap="truncate"
            color={here ? theme.accent : undefined}
            bold={here && theme.bold}
          >
            {`${here ? "›" : " "} ${mark} ${item.label}${item.hint ? `  ${item.hint}` : ""}`}
          </Text>
        );
      })}
      {complaint ? <Text color={theme.error}>{complaint}</Text> : null}
    </Box>
  );
}
