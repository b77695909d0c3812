import { Text } from "ink";
import { CheckList } from "../../components/check-list.js";
import type { ListItem } from "../../components/select-list.js";
import { Screen } from "../../components/screen.js";
import { useTerminalSize } from "../../use-terminal-size.js";

export const PICK_HINTS: [string, string][] = [
  ["↑↓", "move"],
  ["space", "toggle"],
  ["a", "all"],
  ["enter", "accept"],
  ["esc", "back"],
  ["q", "quit"],
];

/** One "which of these to keep" question: services, ports, volumes or targets. */
export function PickScreen(props: {
  title: string;
  step: string;
  question: string;
  items: ListItem[];
  initial: string[];
  requireOne?: string;
  onSubmit: (keys: string[]) => void;
}) {
  const { rows } = useTerminalSize();
  return (
    <Screen title={props.title} step={props.step} hints={PICK_HINTS}>
      <Text wrap="truncate">{props.question}</Text>
      <CheckList
        // A new question is a new list: its cursor and marks start afresh.
        key={props.title}
        items={props.items}
        initial={props.initial}
        height={rows - 8}
        requireOne={props.requireOne}
        onSubmit={props.onSubmit}
      />
    </Screen>
  );
}
