import { readFileSync } from "node:fs";

interface PackageJson {
  version: string;
}

const pkg = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
) as PackageJson;

/** chefer's own version, from package.json. */
export const CHEFER_VERSION: string = pkg.version;
