/**
 * The workspace: the host folder the sandbox works in, and file access that
 * never leaves it — not through `..`, absolute paths or symlinks, even ones
 * the sandbox swaps in while a file is being opened.
 *
 * @module
 */

import { PathOutsideWorkspaceError, RuntimeError } from "./errors.ts";
import { concat } from "./output_buffer.ts";

const SEP = Deno.build.os === "windows" ? "\\" : "/";

/** Largest file the file operations read whole: 16 MiB. Bigger ones are for `head`/`sed`. */
export const MAX_READ_BYTES = 16 * 1024 * 1024;

/**
 * A workspace folder on the host. Relative paths are relative to it; absolute
 * paths are accepted when they point inside it, on the host or under one of
 * its aliases (the container's `/workspace`).
 *
 * @example
 * ```ts
 * import { Workspace } from "./workspace.ts";
 * const ws = await Workspace.open();
 * await ws.writeFile("src/app.py", "print(1)\n");
 * console.log(await ws.readFile("src/app.py"));
 * await ws.dispose();
 * ```
 */
export class Workspace {
  /** Real host path (symlinks resolved). */
  readonly path: string;
  /** True when Pygent made the folder and removes it on dispose. */
  readonly temporary: boolean;
  readonly #aliases: string[];

  private constructor(path: string, temporary: boolean, aliases: string[]) {
    this.path = path;
    this.temporary = temporary;
    this.#aliases = aliases;
  }

  /**
   * Opens `dir` as the workspace (it must exist), or makes a fresh temporary one.
   * @param aliases Absolute paths that also name the workspace (e.g. "/workspace").
   */
  static async open(dir?: string, aliases: string[] = []): Promise<Workspace> {
    if (dir === undefined) {
      const made = await Deno.makeTempDir({ prefix: "pygent-" });
      return new Workspace(await Deno.realPath(made), true, aliases);
    }
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(dir);
    } catch (cause) {
      throw new RuntimeError(
        `Workspace ${dir} cannot be used (${
          (cause as Error).message
        }); create it or pick another folder.`,
        { cause },
      );
    }
    if (!info.isDirectory) throw new RuntimeError(`Workspace ${dir} is not a folder.`);
    return new Workspace(await Deno.realPath(dir), false, aliases);
  }

  /** A view of the same folder that also accepts `aliases` as its name. */
  withAliases(aliases: string[]): Workspace {
    return new Workspace(this.path, this.temporary, aliases);
  }

  /**
   * The path's parts relative to the workspace, with `.` and `..` applied;
   * refuses paths that leave it.
   */
  relativeParts(path: string): string[] {
    if (path.includes("\0")) throw new PathOutsideWorkspaceError(path, "it contains a NUL byte");
    const normalized = path.replaceAll("\\", "/");
    let rest = normalized;
    if (isAbsolute(path)) {
      const root = [this.path.replaceAll("\\", "/"), ...this.#aliases].find((r) =>
        normalized === r || normalized.startsWith(r.endsWith("/") ? r : `${r}/`)
      );
      if (root === undefined) {
        throw new PathOutsideWorkspaceError(path, `it is outside the workspace ${this.describe()}`);
      }
      rest = normalized.slice(root.length);
    }
    const parts: string[] = [];
    for (const part of rest.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") {
        if (parts.length === 0) {
          throw new PathOutsideWorkspaceError(path, "`..` leads out of the workspace");
        }
        parts.pop();
      } else {
        parts.push(part);
      }
    }
    return parts;
  }

  /**
   * Reads a file as UTF-8 text, a byte-order mark kept (so a file read, edited
   * and written back keeps it). A file that is not UTF-8 is refused rather
   * than altered.
   */
  async readFile(path: string): Promise<string> {
    const bytes = await this.readBytes(path);
    try {
      return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      throw new RuntimeError(
        `${path} is not UTF-8 text (a binary file?); inspect it with a command (file, xxd, iconv).`,
      );
    }
  }

  /** Reads a regular file's bytes, up to {@linkcode MAX_READ_BYTES}. */
  async readBytes(path: string): Promise<Uint8Array> {
    const parts = this.relativeParts(path);
    if (parts.length === 0) throw new RuntimeError(`${path} is the workspace folder, not a file.`);
    const full = this.#join(parts);
    const real = await this.#realInside(path, full);
    // Checked before opening: opening a FIFO would block, and a huge file would fill memory.
    regularFile(path, await Deno.stat(real));
    using file = await openOrExplain(path, real, { read: true });
    regularFile(path, await this.#verifySame(path, full, file));
    return await readAll(file);
  }

  /** Creates or overwrites a file, making its parent folders. */
  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    const parts = this.relativeParts(path);
    if (parts.length === 0) throw new RuntimeError(`${path} is the workspace folder, not a file.`);
    const parent = await this.#makeParents(path, parts.slice(0, -1));
    const full = `${parent}${SEP}${parts.at(-1)}`;
    let exists = true;
    try {
      await Deno.lstat(full);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      exists = false;
    }
    const target = exists ? await this.#realInside(path, full) : full;
    if (exists && !(await Deno.stat(target)).isFile) {
      // Checked before opening: opening a FIFO for writing would block.
      throw new RuntimeError(`${path} is not a regular file; only regular files can be written.`);
    }
    // Never truncate before the opened file is known to be inside the workspace.
    using file = await openOrExplain(
      path,
      target,
      exists ? { write: true } : { write: true, createNew: true },
    );
    if (!(await this.#verifySame(path, full, file)).isFile) {
      throw new RuntimeError(`${path} is not a regular file; only regular files can be written.`);
    }
    await file.truncate(0);
    let bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    while (bytes.length > 0) bytes = bytes.subarray(await file.write(bytes));
  }

  /** Removes the folder when Pygent made it. Safe to call twice. */
  async dispose(): Promise<void> {
    if (!this.temporary) return;
    await Deno.remove(this.path, { recursive: true }).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }

  /** How the workspace is named to a user. */
  describe(): string {
    return this.#aliases.length ? `${this.#aliases[0]} (${this.path} on the host)` : this.path;
  }

  #join(parts: string[]): string {
    return [this.path, ...parts].join(SEP);
  }

  #inside(real: string): boolean {
    return real === this.path ||
      real.startsWith(this.path.endsWith(SEP) ? this.path : this.path + SEP);
  }

  async #realInside(given: string, full: string): Promise<string> {
    let real: string;
    try {
      real = await Deno.realPath(full);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        const link = await Deno.readLink(full).catch(() => undefined);
        if (link !== undefined) {
          throw new PathOutsideWorkspaceError(
            given,
            `it is a symlink to ${link}, which is not in the workspace`,
          );
        }
        throw new RuntimeError(`No such file: ${given}`);
      }
      throw error;
    }
    if (!this.#inside(real)) {
      throw new PathOutsideWorkspaceError(given, `it resolves to ${real} through a symlink`);
    }
    return real;
  }

  async #makeParents(given: string, parts: string[]): Promise<string> {
    let current = this.path;
    for (const part of parts) {
      const next = `${current}${SEP}${part}`;
      try {
        await Deno.mkdir(next);
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      }
      current = await this.#realInside(given, next);
      if (!(await Deno.stat(current)).isDirectory) {
        throw new RuntimeError(`Cannot write ${given}: ${part} is a file, not a folder.`);
      }
    }
    return current;
  }

  /**
   * Closes the window between check and open: the opened file must be the very
   * file the path resolves to now, and that must still be inside the workspace.
   */
  async #verifySame(given: string, full: string, file: Deno.FsFile): Promise<Deno.FileInfo> {
    const opened = await file.stat();
    const real = await this.#realInside(given, full);
    const now = await Deno.stat(real);
    if (opened.ino !== null && (opened.ino !== now.ino || opened.dev !== now.dev)) {
      throw new PathOutsideWorkspaceError(
        given,
        "it changed while being opened (a symlink was swapped in)",
      );
    }
    return opened;
  }
}

function regularFile(given: string, info: Deno.FileInfo): void {
  if (info.isDirectory) throw new RuntimeError(`${given} is a folder, not a file.`);
  if (!info.isFile) {
    throw new RuntimeError(
      `${given} is not a regular file (a pipe, socket or device); use a command.`,
    );
  }
  if (info.size > MAX_READ_BYTES) {
    const mib = (info.size / 1024 / 1024).toFixed(1);
    throw new RuntimeError(
      `${given} is ${mib} MiB, too big to read whole; read parts of it with a command (head, sed -n).`,
    );
  }
}

function isAbsolute(path: string): boolean {
  return path.startsWith("/") || path.startsWith("\\") || /^[A-Za-z]:[\\/]/.test(path);
}

async function openOrExplain(
  given: string,
  path: string,
  options: Deno.OpenOptions,
): Promise<Deno.FsFile> {
  try {
    return await Deno.open(path, options);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new RuntimeError(`No such file: ${given}`);
    if (error instanceof Deno.errors.AlreadyExists) {
      throw new PathOutsideWorkspaceError(given, "it appeared while being created");
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new RuntimeError(`Permission denied: ${given}`);
    }
    throw error;
  }
}

async function readAll(file: Deno.FsFile): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(64 * 1024);
  let total = 0;
  let n: number | null;
  // The file may grow after it was checked: never read past the limit.
  while ((n = await file.read(buf)) !== null && total <= MAX_READ_BYTES) {
    chunks.push(buf.slice(0, n));
    total += n;
  }
  if (total > MAX_READ_BYTES) {
    throw new RuntimeError(
      "The file grew past 16 MiB while being read; read parts of it with a command.",
    );
  }
  return concat(chunks);
}
