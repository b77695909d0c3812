import { useMemo, useState } from "react";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { Text } from "ink";
import { findComposeFiles } from "../../compose-files.js";
import { Screen } from "../../components/screen.js";
import { SelectList } from "../../components/select-list.js";
import { TextField } from "../../components/text-field.js";
import { useTerminalSize } from "../../use-terminal-size.js";

const OTHER = "\u0000other";

/** Why `path` cannot be converted, or undefined when it names a file. */
export function checkComposePath(cwd: string, path: string): string | undefined {
  if (path.trim() === "") return "type the path of a compose file, e.g. compose.yaml";
  const full = resolve(cwd, path);
  if (!existsSync(full)) return `there is no file at ${full}; check the path`;
  return statSync(full).isFile()
    ? undefined
    : `${full} is a directory; name the compose file in it`;
}

/**
 * The first step: pick one of the compose files found around the working directory, or type
 * a path. `onTyping` tells the wizard when keys are text, so q does not quit mid-word.
 */
export function FileScreen(props: {
  cwd: string;
  step: string;
  onFile: (file: string) => void;
  onTyping: (typing: boolean) => void;
}) {
  const { rows } = useTerminalSize();
  const found = useMemo(() => findComposeFiles(props.cwd), [props.cwd]);
  const [typing, setTyping] = useState(found.length === 0);
  const type = () => {
    setTyping(true);
    props.onTyping(true);
  };
  if (typing) {
    return (
      <Screen
        title="Which compose file?"
        step={props.step}
        hints={[
          ["enter", "convert"],
          ["ctrl+c", "quit"],
        ]}
      >
        <Text>
          {found.length === 0 ? `No compose file in ${props.cwd} or below it.` : "Type the path."}
        </Text>
        <TextField
          label="compose file"
          initial=""
          validate={(v) => checkComposePath(props.cwd, v)}
          onSubmit={props.onFile}
        />
      </Screen>
    );
  }
  const items = [
    ...found.map((f) => ({ key: f, label: f })),
    { key: OTHER, label: "another file…" },
  ];
  return (
    <Screen
      title="Which compose file?"
      step={props.step}
      hints={[
        ["↑↓", "move"],
        ["enter", "choose"],
        ["q", "quit"],
      ]}
    >
      <Text>{`Compose files in ${props.cwd}:`}</Text>
      <SelectList
        items={items}
        height={rows - 7}
        onSelect={(key) => (key === OTHER ? type() : props.onFile(key))}
      />
    </Screen>
  );
}
