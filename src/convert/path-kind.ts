import { statSync } from "node:fs";

export type PathKind = "file" | "dir" | "missing" | "other";

/** What is at a path on the build machine, without throwing. */
export function pathKind(path: string): PathKind {
  try {
    const st = statSync(path);
    return st.isFile() ? "file" : st.isDirectory() ? "dir" : "other";
  } catch {
    return "missing";
  }
}
