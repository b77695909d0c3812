import { Text } from "ink";
import { Screen } from "../../components/screen.js";
import { TextField } from "../../components/text-field.js";
import { APP_NAME_PATTERN } from "../choices.js";

/** Why `name` cannot name an app, or undefined when it can. */
export function checkAppName(name: string): string | undefined {
  return APP_NAME_PATTERN.test(name)
    ? undefined
    : "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
}

/** The app's name: it names the executable and the app's data directory. */
export function NameScreen(props: {
  step: string;
  initial: string;
  onSubmit: (name: string) => void;
}) {
  return (
    <Screen
      title="App name"
      step={props.step}
      hints={[
        ["enter", "accept"],
        ["esc", "back"],
        ["ctrl+c", "quit"],
      ]}
    >
      <Text wrap="truncate">
        The name of the executable and of the folder that keeps the app's data.
      </Text>
      <TextField
        label="name"
        initial={props.initial}
        validate={checkAppName}
        onSubmit={props.onSubmit}
      />
    </Screen>
  );
}
