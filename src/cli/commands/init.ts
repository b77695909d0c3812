import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CommandModule } from "yargs";
import { UserError } from "../../util/errors.js";
import { log } from "../../util/log.js";
import { RECIPE_FILE } from "../../appcipe/load.js";
import { appNameFor, recipeTemplate } from "../../appcipe/template.js";

interface Args {
  dir: string;
}

export const initCommand: CommandModule<object, Args> = {
  command: "init [dir]",
  describe: "Write a commented appcipe.yml template to start a recipe from",
  builder: (y) =>
    y.positional("dir", {
      type: "string",
      default: ".",
      describe: "Directory to write appcipe.yml in",
    }),
  handler: (args) => {
    const file = join(args.dir, RECIPE_FILE);
    if (existsSync(file)) {
      throw new UserError(`${file} already exists; chefer init never overwrites a recipe`, {
        fix: `edit ${file}, or move it away first, or run \`chefer init\` in another directory`,
      });
    }
    mkdirSync(args.dir, { recursive: true });
    writeFileSync(file, recipeTemplate(appNameFor(args.dir)), { flag: "wx" });
    process.stdout.write(`${file}\n`);
    log.info(`wrote ${file}; edit it, then run \`chefer check\``);
  },
};
