import { useState } from "react";
import { Box, Text, useInput } from "ink";
import { useTheme } from "../theme.js";
import { scrollWindow } from "./scroll.js";
import { nextCursor, type ListItem } from "./select-list.js";

/** Toggles `key` in `chosen`, keeping the items' order. */
export function toggle(items: ListItem[], chosen: string[], key: string): string[] {
  const next = chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key];
  return items.map((i) => i.key).filter((k) => next.includes(k));
}

/**
 * Several choices: ↑/↓ move, space toggles, a toggles all, enter accepts. With
 * `requireOne`, enter on an empty selection says so instead of accepting.
 */
export function CheckList(props: {
  items: ListItem[];
  initial: string[];
  height: number;
  requireOne?: string;
  onSubmit: (keys: string[]) => void;
}) {
  const theme = useTheme();
  const [cursor, setCursor] = useState(0);
  const [chosen, setChosen] = useState(() =>
    props.items.map((i) => i.key).filter((k) => props.initial.includes(k)),
  );
  const [complaint, setComplaint] = useState<string>();
  useInput((input, key) => {
    const current = props.items[cursor];
    if (key.return) {
      if (props.requireOne && chosen.length === 0) setComplaint(props.requireOne);
      else props.onSubmit(chosen);
    } else if (input === " " && current) {
      setChosen((c) => toggle(props.items, c, current.key));
      setComplaint(undefined);
    } else if (input === "a") {
      setChosen((c) => (c.length === props.items.length ? [] : props.items.map((i) => i.key)));
    } else setCursor((c) => nextCursor(c, props.items.length, input, key.upArrow, key.downArrow));
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
