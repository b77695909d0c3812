import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { UserError } from "../util/errors.js";
import { FormatError, FORMAT_VERSION, readFooter, type Footer } from "./footer.js";
import type { Manifest } from "./manifest.js";

export interface ExecutableInfo {
  path: string;
  footer: Footer;
  manifest: Manifest;
}

/**
 * Reads an executable's footer and manifest, checking both, without touching any blob.
 * Foreign, truncated and damaged files give a FormatError naming the failed check.
 */
export async function readExecutable(path: string): Promise<ExecutableInfo> {
  const fh = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`${path}: cannot open: ${error.code ?? error.message}`, {
      fix: "pass the path of an executable written by `chefer build`",
    });
  });
  try {
    const footer = await readFooter(path, fh);
    const bytes = Buffer.alloc(footer.manifestSize);
    await fh.read(bytes, 0, bytes.length, footer.manifestOffset);
    return { path, footer, manifest: parseManifest(path, footer, bytes) };
  } finally {
    await fh.close();
  }
}

function parseManifest(path: string, footer: Footer, bytes: Buffer): Manifest {
  const damaged = (detail: string) =>
    new FormatError(path, "damaged manifest", detail, "copy or download the file again");
  const hash = createHash("sha256").update(bytes).digest("hex");
  if (hash !== footer.manifestSha256) throw damaged("its SHA-256 does not match the footer");
  let manifest: Manifest;
  try {
    manifest = JSON.parse(bytes.toString("utf8")) as Manifest;
  } catch (error) {
    throw damaged(`it is not valid JSON (${(error as Error).message})`);
  }
  if (manifest.format_version !== FORMAT_VERSION) {
    throw new FormatError(
      path,
      "unsupported format version",
      `the manifest says format ${manifest.format_version}; this chefer reads format ${FORMAT_VERSION}`,
      "rebuild the app with a matching chefer",
    );
  }
  return manifest;
}
