import { useState } from "react";
import { Box, Text } from "ink";
import { useTheme } from "../theme.js";
import { useLatest } from "../use-latest.js";
import { useSyncState } from "../use-sync-state.js";
import { useKeys } from "../keys.js";

/** The value after one keypress: printable text appends, backspace/delete removes the last character. */
export function editValue(value: string, input: string, erase: boolean): string {
  if (erase) return value.slice(0, -1);
  // Control sequences (arrows, function keys) arrive as non-printable input; they do not edit.
  return /^[\x20-\x7e]+$/.test(input) ? value + input : value;
}

/**
 * One line of text. Enter submits when `validate` returns nothing; otherwise its message shows
 * under the field and the value stays for editing.
 */
export function TextField(props: {
  label: string;
  initial: string;
  validate: (value: string) => string | undefined;
  onSubmit: (value: string) => void;
}) {
  const theme = useTheme();
  const [value, setValue, valueRef] = useSyncState(props.initial);
  const [complaint, setComplaint] = useState<string>();
  const latest = useLatest(props);
  useKeys((input, key) => {
    if (key.return) {
      const problem = latest.current.validate(valueRef.current);
      if (problem) setComplaint(problem);
      else latest.current.onSubmit(valueRef.current);
      return;
    }
    if (key.escape || key.tab || key.upArrow || key.downArrow || key.ctrl) return;
    setValue((v) => editValue(v, input, key.backspace || key.delete));
    setComplaint(undefined);
  });
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {`${props.label}: `}
        <Text color={theme.accent}>{value}</Text>
        {"_"}
      </Text>
      {complaint ? <Text color={theme.error}>{complaint}</Text> : null}
    </Box>
  );
}
