import type { Recipe } from "../../appcipe/types.js";
import { optionsFor, TARGETS, type Target } from "./choices.js";
import { ConfirmScreen } from "./screens/confirm-screen.js";
import { NameScreen } from "./screens/name-screen.js";
import { PickScreen } from "./screens/pick-screen.js";
import { recipeFileFor, type WizardAction, type WizardState } from "./wizard-state.js";

/** The screens that ask the user something about the converted recipe, and the summary after them. */
export function QuestionScreen(props: {
  s: WizardState;
  recipe: Recipe;
  dispatch: (a: WizardAction) => void;
  step: string;
}) {
  const { s, recipe, step } = props;
  const c = s.choices;
  if (!s.recipe || !c) return null;
  const options = optionsFor(s.recipe, c.services);
  const d = props.dispatch;
  switch (s.step) {
    case "services": {
      const items = s.recipe.services.map((x) => ({ key: x.name, label: x.name }));
      return (
        <PickScreen
          title="Services"
          step={step}
          question="Which services go into the app?"
          items={items}
          initial={c.services}
          requireOne="keep at least one service"
          onSubmit={(keys) => d({ type: "services", keys })}
        />
      );
    }
    case "ports":
      return (
        <PickScreen
          title="Ports"
          step={step}
          question="Which ports does the app publish on this machine?"
          items={options.ports}
          initial={c.ports}
          onSubmit={(keys) => d({ type: "ports", keys })}
        />
      );
    case "volumes": {
      const items = options.volumes.map((v) => ({ key: v, label: v }));
      return (
        <PickScreen
          title="Volumes"
          step={step}
          question="Which volumes keep their data between runs?"
          items={items}
          initial={c.volumes}
          onSubmit={(keys) => d({ type: "volumes", keys })}
        />
      );
    }
    case "name":
      return (
        <NameScreen step={step} initial={c.name} onSubmit={(name) => d({ type: "name", name })} />
      );
    case "targets": {
      const items = TARGETS.map((t) => ({ key: t, label: t }));
      return (
        <PickScreen
          title="Targets"
          step={step}
          question="Which machines should the app run on?"
          items={items}
          initial={c.targets}
          requireOne="choose at least one target"
          onSubmit={(keys) => d({ type: "targets", targets: keys as Target[] })}
        />
      );
    }
    default:
      return (
        <ConfirmScreen
          step={step}
          recipe={recipe}
          recipeFile={recipeFileFor(s.file ?? "")}
          targets={c.targets}
          onNext={() => d({ type: "next" })}
        />
      );
  }
}
