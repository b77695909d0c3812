import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join, normalize } from "node:path";
import type { Readable } from "node:stream";
import { UserError } from "../../util/errors.js";
import { indexTar, openMember, resolveMember, type TarMember } from "./tar-index.js";

/** Read access to the files of an image archive, whether a tar or a directory. */
export interface ArchiveStore {
  /** The archive's path, for messages. */
  where: string;
  has(path: string): Promise<boolean>;
  readJson<T>(path: string): Promise<T>;
  /** Size of a file, when the store knows it cheaply. */
  size(path: string): Promise<number>;
  open(path: string): Promise<Readable>;
}

const MAX_JSON = 16 * 1024 * 1024;

function missing(where: string, path: string): UserError {
  return new UserError(`${where}: the archive has no ${path}`, {
    fix: "pass a complete `docker save` archive, OCI archive or OCI layout",
  });
}

function parseJson<T>(where: string, path: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new UserError(`${where}: ${path} is not valid JSON: ${(error as Error).message}`, {
      fix: "export the image again; the archive is damaged",
    });
  }
}

/** A store over a tar file, read in place through an index of its members. */
export async function tarStore(file: string): Promise<ArchiveStore> {
  const members = await indexTar(file);
  const member = (path: string): TarMember => {
    const m = resolveMember(members, path);
    if (!m || m.type !== "file") throw missing(file, path);
    return m;
  };
  return {
    where: file,
    has: async (path) => resolveMember(members, path)?.type === "file",
    size: async (path) => member(path).size,
    open: async (path) => openMember(file, member(path)),
    readJson: async <T>(path: string) => {
      const m = member(path);
      if (m.size > MAX_JSON) throw missing(file, `${path} of a sane size`);
      const chunks: Buffer[] = [];
      for await (const c of openMember(file, m)) chunks.push(c as Buffer);
      return parseJson<T>(file, path, Buffer.concat(chunks).toString("utf8"));
    },
  };
}

/** A store over a directory (an OCI layout). */
export function dirStore(dir: string): ArchiveStore {
  const full = (path: string) => {
    const p = normalize(path);
    if (p.startsWith("..")) throw missing(dir, path);
    return join(dir, p);
  };
  const exists = async (path: string) => (await stat(full(path)).catch(() => undefined))?.isFile();
  return {
    where: dir,
    has: async (path) => Boolean(await exists(path)),
    size: async (path) => (await stat(full(path))).size,
    open: async (path) => {
      if (!(await exists(path))) throw missing(dir, path);
      return createReadStream(full(path));
    },
    readJson: async <T>(path: string) => {
      if (!(await exists(path))) throw missing(dir, path);
      return parseJson<T>(dir, path, await readFile(full(path), "utf8"));
    },
  };
}
