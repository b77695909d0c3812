import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import { pipeline } from "node:stream/promises";
import Docker from "dockerode";
import type { ImageSource, Platform } from "../../appcipe/types.js";
import { EnvironmentError, UserError } from "../../util/errors.js";
import { silentProgress, type ProgressSink } from "../../util/progress.js";
import type { ResolvedImage } from "../image.js";
import { diskError, errnoCode, isDiskError, type WriteSite } from "../disk-errors.js";
import { removeOnInterrupt } from "../interrupt.js";
import { readImageFile } from "./local-file.js";

type DockerfileSource = Extract<ImageSource, { source: "dockerfile" }>;

/** The local engine, at DOCKER_HOST when set (dockerode reads it), else the default socket. */
export function dockerEngine(): Docker {
  return new Docker();
}

/** errno codes of a connection the engine accepted and then dropped. */
const DROPPED = new Set(["ECONNRESET", "EPIPE"]);

const ENGINE_LOST_FIX =
  "check that the engine still runs (`docker info`) and what its log says, then build again";

function engineError(error: unknown, doing: string): EnvironmentError {
  const e = error as { code?: string; message?: string };
  const state = !e.code
    ? `said: ${e.message}`
    : DROPPED.has(e.code)
      ? `closed the connection (${e.code})`
      : `is unreachable (${e.code})`;
  return new EnvironmentError(`cannot ${doing}: the Docker engine ${state}`, {
    fix: "start Docker, or point DOCKER_HOST at a running engine (e.g. unix:///run/docker.sock)",
    cause: error,
  });
}

/**
 * Exports an image that exists in the local engine (`docker save` through the API) to a
 * temporary archive and reads it. The archive is removed by `dispose`. `id` names the image
 * to export when it is not `ref` (a build's result), and `ref` is only used in messages.
 */
export async function exportImage(
  ref: string,
  want: Platform,
  progress: ProgressSink = silentProgress,
  docker: Docker = dockerEngine(),
  id: string = ref,
): Promise<ResolvedImage> {
  const image = docker.getImage(id);
  const info = await image.inspect().catch((error: { statusCode?: number }) => {
    if (error.statusCode === 404) {
      throw new UserError(`the Docker engine has no image ${ref}`, {
        fix: `build or pull it first (\`docker build -t ${ref} .\` or \`docker pull ${ref}\`), or use source: image`,
      });
    }
    throw engineError(error, `inspect ${ref}`);
  });
  const have = `${info.Os}/${info.Architecture}`;
  if (have !== want) {
    throw new UserError(`the Docker engine's ${ref} is ${have}, but the service needs ${want}`, {
      fix: `build or pull ${ref} for ${want}, or build for the target that runs ${have}`,
    });
  }
  return saveAndRead(docker, info.Id, ref, want, progress);
}

async function saveAndRead(
  docker: Docker,
  id: string,
  ref: string,
  want: Platform,
  progress: ProgressSink,
): Promise<ResolvedImage> {
  // TODO(limitation): the export is spooled to a temporary file (as large as the image) because
  // `docker save` writes manifest.json last, so layers cannot be matched to diff_ids in flight.
  const dir = await mkdtemp(join(tmpdir(), "chefer-export-")).catch((error: unknown) => {
    throw diskError(error, spoolSite(join(tmpdir(), "chefer-export-*"), ref));
  });
  const release = removeOnInterrupt(dir);
  const remove = async () => {
    release();
    await rm(dir, { recursive: true, force: true });
  };
  const file = join(dir, "image.tar");
  const step = `export:${ref}`;
  progress({ kind: "step-start", step, label: `exporting ${ref}`, unit: "bytes" });
  try {
    await spool(docker, id, ref, file);
    progress({ kind: "step-end", step, label: `${ref} exported` });
    const image = await readImageFile(file, "docker-archive", want);
    return { ...image, origin: `docker engine ${ref}`, dispose: remove };
  } catch (error) {
    await remove();
    throw error instanceof UserError ? error : engineError(error, `export ${ref}`);
  }
}

/** Writes the engine's `docker save` stream of `id` to `file`, telling a full disk from a lost engine. */
async function spool(docker: Docker, id: string, ref: string, file: string): Promise<void> {
  const stream = await docker
    .getImage(id)
    .get()
    .catch((error: unknown) => {
      throw engineError(error, `export ${ref}`);
    });
  await pipeline(stream, createWriteStream(file)).catch((error: unknown) => {
    if (isDiskError(error)) throw diskError(error, spoolSite(file, ref));
    throw new EnvironmentError(
      `the Docker engine closed the connection while exporting ${ref} (${errnoCode(error) ?? (error as Error).message})`,
      {
        fix: ENGINE_LOST_FIX,
        cause: error,
      },
    );
  });
}

function spoolSite(path: string, ref: string): WriteSite {
  return {
    what: `the export of ${ref} to ${path}`,
    dir: tmpdir(),
    elsewhere: "point TMPDIR at a filesystem with room for the whole image",
  };
}

/**
 * Builds a service's Dockerfile in the local engine and exports the result. Builds use the
 * host network: chefer's test engine runs without a bridge, and a build needs no isolation
 * from the build machine's network.
 */
export async function buildDockerfile(
  service: string,
  src: DockerfileSource,
  want: Platform,
  progress: ProgressSink = silentProgress,
  docker: Docker = dockerEngine(),
): Promise<ResolvedImage> {
  const tag = `chefer-build/${service.toLowerCase()}:latest`;
  const dockerfile = isAbsolute(src.file) ? relative(src.context, src.file) : src.file;
  // TODO(limitation): the engine's build API takes the Dockerfile from inside the context only.
  if (dockerfile.startsWith("..")) {
    throw new UserError(
      `service ${service}: the Dockerfile ${src.file} is outside its context ${src.context}`,
      {
        fix: "move the Dockerfile into the build context",
      },
    );
  }
  const step = `build:${service}`;
  progress({ kind: "step-start", step, label: `building ${service}`, unit: "items" });
  const stream = await docker
    .buildImage(
      { context: src.context, src: ["."] },
      {
        t: tag,
        dockerfile,
        buildargs: src.buildArgs,
        target: src.target ?? "",
        networkmode: "host",
        platform: want,
      },
    )
    .catch((error: unknown) => {
      throw engineError(error, `build ${service}`);
    });
  const id = await followBuild(docker, stream, service, progress);
  progress({ kind: "step-end", step, label: `${service} built` });
  return exportImage(tag, want, progress, docker, id);
}

/** One line of the engine's build output. */
interface BuildEvent {
  stream?: string;
  error?: string;
  aux?: { ID?: string };
}

/**
 * Follows a build to its end and returns what to export: the image ID the engine reports.
 * A build whose output stops before the engine names its image was cut short (the engine
 * went away), and exporting the tag then would pack whatever an earlier build left there.
 */
function followBuild(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  service: string,
  progress: ProgressSink,
): Promise<string> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, output: BuildEvent[]) => {
        if (error) return reject(buildCut(service, error));
        const failed = output.find((o) => o.error)?.error;
        if (failed) return reject(buildFailed(service, failed));
        const id = output.find((o) => o.aux?.ID)?.aux?.ID;
        if (id) return resolve(id);
        reject(buildCut(service, new Error("the output ended before naming the image")));
      },
      (event: BuildEvent) => {
        const line = event.stream?.trim();
        if (line && /^Step \d+\/\d+/.test(line))
          progress({ kind: "message", level: "info", text: `${service}: ${line}` });
      },
    );
  });
}

function buildFailed(service: string, message: string): UserError {
  return new UserError(`service ${service}: the Dockerfile build failed: ${message.trim()}`, {
    fix: "fix the Dockerfile (run `docker build` on its context to see the full log)",
  });
}

function buildCut(service: string, error: Error): EnvironmentError {
  const why = errnoCode(error) ?? error.message;
  return new EnvironmentError(
    `the Docker engine closed the connection while building service ${service} (${why})`,
    {
      fix: ENGINE_LOST_FIX,
      cause: error,
    },
  );
}
