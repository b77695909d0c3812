import type { CommandModule } from "yargs";
import { resolve } from "node:path";
import { convertProject, type ConvertResult } from "../../convert/index.js";
import { diagnosticsJson, formatDiagnostic, type Diagnostic } from "../../convert/diagnostics.js";
import { writeRecipeFile } from "../../convert/output.js";
import { pathKind } from "../../convert/path-kind.js";
import { UserError } from "../../util/errors.js";
import { ExitCode } from "../../util/exit-codes.js";
import { log } from "../../util/log.js";

interface Args {
  path?: string;
  file?: string | string[];
  "project-directory"?: string;
  "project-name"?: string;
  "env-file"?: string | string[];
  profile?: string | string[];
  output?: string;
  force?: boolean;
  name?: string;
  "keep-bind-mounts"?: boolean;
  "publish-all-interfaces"?: boolean;
  format?: "text" | "json";
  strict?: boolean;
}

export const fromComposeCommand: CommandModule<object, Args> = {
  command: "from-compose [path]",
  describe: "Convert a Compose project into an appcipe.yml recipe, saying what changed and where",
  builder: (y) =>
    y
      .positional("path", {
        type: "string",
        describe: "The project directory, or its compose file (default: the current directory)",
      })
      .option("file", {
        alias: "f",
        // A string, not an array: yargs does not take `-f -` for an array option.
        type: "string",
        describe:
          "Compose file, - for stdin (repeatable; default: compose.yaml searched upwards, or COMPOSE_FILE)",
      })
      .option("project-directory", {
        type: "string",
        describe: "Directory relative paths resolve against (default: the first file's)",
      })
      .option("project-name", {
        alias: "p",
        type: "string",
        describe: "Project name (default: COMPOSE_PROJECT_NAME, name:, or the directory)",
      })
      .option("env-file", {
        type: "string",
        describe: "Env file for interpolation (repeatable; default: .env)",
      })
      .option("profile", {
        type: "string",
        describe: "Enable a profile (repeatable; default: COMPOSE_PROFILES)",
      })
      .option("output", {
        alias: "o",
        type: "string",
        describe:
          "Where to write the recipe; - for stdout (default: appcipe.yml beside the project)",
      })
      .option("force", { type: "boolean", describe: "Replace an existing recipe file" })
      .option("name", { type: "string", describe: "App name (default: the project name)" })
      .option("keep-bind-mounts", {
        type: "boolean",
        describe: "Keep bind-mounted directories as host mounts instead of volumes",
      })
      .option("publish-all-interfaces", {
        type: "boolean",
        describe: "Publish ports on every interface, as Docker does (default: 127.0.0.1)",
      })
      .option("format", {
        choices: ["text", "json"] as const,
        describe: "Diagnostics as text on stderr, or as JSON on stdout",
      })
      .option("strict", { type: "boolean", describe: "Treat warnings as errors (exit 3)" }),
  handler: (args) => {
    const json = args.format === "json";
    if (json && args.output === "-") {
      throw new UserError(
        "--format json prints diagnostics on stdout, so the recipe cannot go there too",
        { fix: "write the recipe to a file with -o PATH", exitCode: ExitCode.usage },
      );
    }
    const result = convertOrReport(args, json);
    report(result.diagnostics, json, result);
    if (args.strict && result.diagnostics.length > 0) {
      throw new UserError(
        `${result.diagnostics.length} warnings and --strict is set; no recipe written`,
        { fix: "resolve the warnings above, or drop --strict", exitCode: ExitCode.strictWarnings },
      );
    }
    writeOutput(args, result);
  },
};

function convertOrReport(args: Args, json: boolean): ConvertResult {
  try {
    return convertProject(options(args));
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    if (error.problems.length === 0) {
      // Still data on stdout with --format json: one diagnostic without a location.
      if (json)
        report(
          [
            {
              code: "compose/load",
              severity: "error",
              message: error.message,
              ...(error.fix ? { fix: error.fix } : {}),
            },
          ],
          json,
        );
      throw error;
    }
    report(error.problems, json);
    throw new UserError(error.message, {
      fix: error.fix ?? "correct the errors above",
      exitCode: error.exitCode,
    });
  }
}

function options(args: Args): Parameters<typeof convertProject>[0] {
  const where = pathArgument(args);
  return {
    files: list(args.file) ?? where.files,
    projectDirectory: args["project-directory"] ?? where.projectDirectory,
    projectName: args["project-name"],
    envFiles: list(args["env-file"]),
    profiles: list(args.profile),
    name: args.name,
    output: args.output === "-" ? undefined : args.output,
    keepBindMounts: args["keep-bind-mounts"],
    publishAllInterfaces: args["publish-all-interfaces"],
  };
}

function report(diagnostics: Diagnostic[], json: boolean, result?: ConvertResult): void {
  const base = process.cwd();
  if (json) {
    const data = {
      ok: Boolean(result),
      recipe: result?.recipe.file ?? null,
      diagnostics: diagnosticsJson(diagnostics, base),
    };
    process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
    return;
  }
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d, base)}\n`);
}

function writeOutput(args: Args, result: ConvertResult): void {
  const text = result.text;
  if (args.output === "-") {
    process.stdout.write(text);
    return;
  }
  writeRecipeFile(result.recipe.file, text, Boolean(args.force));
  const count = result.recipe.services.length;
  const warnings = result.diagnostics.length;
  log.info(
    `recipe written to ${resolve(result.recipe.file)}: ${count} service${count === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`,
  );
  if (result.disabledServices.length > 0)
    log.info(`left out by profiles: ${result.disabledServices.join(", ")}`);
}

/** A repeatable flag: yargs gives one value as a string, several as a list. */
function list(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : ([] as string[]).concat(value);
}

/** `chefer from-compose DIR` starts the search in DIR; `chefer from-compose FILE` is `-f FILE`. */
function pathArgument(args: Args): { files?: string[]; projectDirectory?: string } {
  if (args.path === undefined) return {};
  if (pathKind(args.path) === "file") return { files: [args.path] };
  if (pathKind(args.path) === "dir") return { projectDirectory: args.path };
  throw new UserError(`${args.path} does not exist`, {
    fix: "name the project directory or its compose file",
  });
}
