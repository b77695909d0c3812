import { existsSync } from "node:fs";
import { Text } from "ink";
import type { Recipe } from "../../../appcipe/types.js";
import { Screen } from "../../components/screen.js";
import { useTheme } from "../../theme.js";
import type { Target } from "../choices.js";
import { useKeys } from "../../keys.js";

/** The summary before anything is written: what will be written where and built for what. */
export function ConfirmScreen(props: {
  step: string;
  recipe: Recipe;
  recipeFile: string;
  targets: Target[];
  onNext: () => void;
}) {
  const theme = useTheme();
  useKeys((_input, key) => {
    if (key.return) props.onNext();
  });
  const overwrite = existsSync(props.recipeFile);
  const services = props.recipe.services.map((s) => s.name).join(", ") || "(none)";
  const ports = props.recipe.services.reduce((n, s) => n + s.ports.length, 0);
  return (
    <Screen
      title="Ready to build"
      step={props.step}
      hints={[
        ["enter", "write and build"],
        ["esc", "back"],
        ["q", "quit"],
      ]}
    >
      <Text wrap="truncate">{`app       ${props.recipe.name}`}</Text>
      <Text wrap="truncate">{`services  ${services}`}</Text>
      <Text wrap="truncate">{`ports     ${ports} published, volumes ${Object.keys(props.recipe.volumes).length} kept`}</Text>
      <Text wrap="truncate">{`targets   ${props.targets.join(", ")}`}</Text>
      <Text wrap="truncate">{`recipe    ${props.recipeFile}`}</Text>
      {overwrite ? (
        <Text color={theme.warn} wrap="truncate">
          {`warning: ${props.recipeFile} exists and will be replaced`}
        </Text>
      ) : null}
    </Screen>
  );
}
