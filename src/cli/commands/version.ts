import type { CommandModule } from "yargs";
import { CHEFER_VERSION } from "../../version.js";
import { RECIPE_VERSION } from "../../appcipe/types.js";

interface Args {
  json?: boolean;
}

export const versionCommand: CommandModule<object, Args> = {
  command: "version",
  describe: "Print chefer's version and the recipe and executable format versions",
  builder: (y) => y.option("json", { type: "boolean", describe: "Print as JSON" }),
  handler: (args) => {
    const info = {
      chefer: CHEFER_VERSION,
      appcipe: RECIPE_VERSION,
      executableFormat: 1,
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
    };
    if (args.json) {
      process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      return;
    }
    process.stdout.write(
      `chefer ${info.chefer}\nAppCipe version ${info.appcipe}\nexecutable format ${info.executableFormat}\n` +
        `node ${info.node} on ${info.platform}\n`,
    );
  },
};
