import { chmod, open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { UserError } from "../util/errors.js";

/**
 * `<out>.partial`, the file an executable is written to before it takes its name. Each build
 * creates its own (a new inode), so two builds of the same output at once cannot mix their
 * bytes in one file: the later one unlinks the earlier one's file, which then finds at its end
 * that the name is no longer its own and fails instead of renaming someone else's file.
 */
export class PartialFile {
  private closed = false;

  private constructor(
    readonly path: string,
    readonly fh: FileHandle,
    private readonly ino: number,
  ) {}

  /** Creates the file, replacing one a killed build left behind. */
  static async create(path: string, out: string): Promise<PartialFile> {
    await rm(path, { force: true });
    const fh = await open(path, "wx", 0o755).catch((error: NodeJS.ErrnoException) => {
      throw error.code === "EEXIST" ? concurrent(out) : error;
    });
    return new PartialFile(path, fh, (await fh.stat()).ino);
  }

  /** Syncs the file and gives it its final name, unless another build took the path over. */
  async finish(out: string): Promise<void> {
    await this.fh.sync();
    await this.close();
    if (!(await this.ours())) throw concurrent(out);
    await chmod(this.path, 0o755);
    await rename(this.path, out);
  }

  /** Closes and removes the file, leaving alone a file another build has put at the path. */
  async abandon(): Promise<void> {
    await this.close().catch(() => {});
    if (await this.ours()) await rm(this.path, { force: true });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }

  private async ours(): Promise<boolean> {
    return (await stat(this.path).catch(() => undefined))?.ino === this.ino;
  }
}

function concurrent(out: string): UserError {
  return new UserError(`another build wrote ${out} at the same time; this one stopped`, {
    fix: "run one build per output at a time, or give each its own --out DIR",
  });
}
