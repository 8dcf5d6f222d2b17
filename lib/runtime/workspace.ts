/**
 * The workspace: the host folder the sandbox works in, and file access that
 * never leaves it — not through `..`, absolute paths or symlinks, even ones
 * the sandbox swaps in while a file is being opened.
 *
 * @module
 */

import { PathOutsideWorkspaceError, RuntimeError } from "./errors.ts";
import { decodeText, MAX_READ_BYTES, refusalError } from "./file_rules.ts";
import { concat } from "./output_buffer.ts";

const SEP = Deno.build.os === "windows" ? "\\" : "/";

export { MAX_READ_BYTES } from "./file_rules.ts";

/** The file beside a temporary workspace that names the session it was made for. */
const SESSION_MARKER = "session";

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
  /** The private folder a temporary workspace lives in, removed on dispose. */
  readonly #root: string | undefined;
  readonly #aliases: string[];

  private constructor(path: string, root: string | undefined, aliases: string[]) {
    this.path = path;
    this.temporary = root !== undefined;
    this.#root = root;
    this.#aliases = aliases;
  }

  /**
   * Opens `dir` as the workspace (it must exist), or makes a fresh temporary one:
   * `workspace/` in a private folder of the system temp folder, beside a marker
   * naming `session` (see {@linkcode temporaryFolderOf}).
   * @param aliases Absolute paths that also name the workspace (e.g. "/workspace").
   * @param session The session a temporary workspace is made for; no marker without it.
   */
  static async open(dir?: string, aliases: string[] = [], session?: string): Promise<Workspace> {
    if (dir === undefined) return await Workspace.#makeTemporary(aliases, session);
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
    return new Workspace(await Deno.realPath(dir), undefined, aliases);
  }

  /**
   * The marker lives beside the folder the sandbox sees (it is bind-mounted alone), in a folder
   * only this user can enter: the sandbox can neither forge it nor plant one elsewhere.
   */
  static async #makeTemporary(aliases: string[], session?: string): Promise<Workspace> {
    const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-" }));
    try {
      if (session !== undefined) {
        await Deno.writeTextFile(`${root}${SEP}${SESSION_MARKER}`, session, {
          createNew: true,
          mode: 0o600,
        });
      }
      const path = `${root}${SEP}workspace`;
      await Deno.mkdir(path);
      return new Workspace(path, root, aliases);
    } catch (error) {
      await Deno.remove(root, { recursive: true }).catch(() => {});
      throw error;
    }
  }

  /** A view of the same folder that also accepts `aliases` as its name. */
  withAliases(aliases: string[]): Workspace {
    return new Workspace(this.path, this.#root, aliases);
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
    return decodeText(path, await this.readBytes(path));
  }

  /** Reads a regular file's bytes, up to {@linkcode MAX_READ_BYTES}. */
  async readBytes(path: string): Promise<Uint8Array> {
    const parts = this.relativeParts(path);
    if (parts.length === 0) throw refusalError(path, { kind: "workspace-folder" });
    const full = this.#join(parts);
    const real = await this.#realInside(path, full);
    // Checked before opening: opening a FIFO would block, and a huge file would fill memory.
    regularFile(path, await Deno.stat(real));
    using file = await openOrExplain(path, real, { read: true });
    regularFile(path, await this.#verifySame(path, full, file));
    return await readAll(path, file);
  }

  /** Creates or overwrites a file, making its parent folders. */
  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    const parts = this.relativeParts(path);
    if (parts.length === 0) throw refusalError(path, { kind: "workspace-folder" });
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
      throw refusalError(path, { kind: "not-regular-write" });
    }
    // Never truncate before the opened file is known to be inside the workspace.
    using file = await openOrExplain(
      path,
      target,
      exists ? { write: true } : { write: true, createNew: true },
    );
    if (!(await this.#verifySame(path, full, file)).isFile) {
      throw refusalError(path, { kind: "not-regular-write" });
    }
    await file.truncate(0);
    let bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
    while (bytes.length > 0) bytes = bytes.subarray(await file.write(bytes));
  }

  /** Removes the folder, with its marker, when Pygent made it. Safe to call twice. */
  async dispose(): Promise<void> {
    if (this.#root === undefined) return;
    await Deno.remove(this.#root, { recursive: true }).catch((error) => {
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
        if (link !== undefined) throw refusalError(given, { kind: "dangling-link", target: link });
        throw refusalError(given, { kind: "missing" });
      }
      throw error;
    }
    if (!this.#inside(real)) {
      throw refusalError(given, { kind: "outside", real });
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
        throw refusalError(given, { kind: "parent-not-folder", part });
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
      throw refusalError(given, { kind: "swapped" });
    }
    return opened;
  }
}

/**
 * The folder to remove with a dead session's temporary workspace at `path`: its parent, when
 * that is a folder Pygent made for session `session` — directly in the system temp folder
 * (where `Deno.makeTempDir` makes them: `TMPDIR` or `/tmp`), reached without a symlink, owned
 * by this user, holding the marker that names `session`. Undefined otherwise: container labels
 * can come from an image, so they alone never get a folder removed.
 *
 * @example
 * ```ts
 * import { temporaryFolderOf, Workspace } from "./workspace.ts";
 * const ws = await Workspace.open(undefined, [], "0123abcd");
 * console.log(await temporaryFolderOf(ws.path, "0123abcd")); // the folder holding ws.path
 * console.log(await temporaryFolderOf(ws.path, "ffffffff")); // undefined
 * await ws.dispose();
 * ```
 */
export async function temporaryFolderOf(
  path: string,
  session: string,
): Promise<string | undefined> {
  const uid = Deno.uid();
  const folder = parentOf(path);
  if (uid === null || folder === undefined || session === "") return undefined;
  try {
    const temp = await Deno.realPath(Deno.env.get("TMPDIR") || "/tmp");
    // Pygent records real paths: one that differs from its real path went through a symlink.
    if (parentOf(folder) !== temp || await Deno.realPath(folder) !== folder) return undefined;
    const marker = `${folder}${SEP}${SESSION_MARKER}`;
    const folderInfo = await Deno.lstat(folder);
    if (!folderInfo.isDirectory || folderInfo.uid !== uid) return undefined;
    const markerInfo = await Deno.lstat(marker);
    if (!markerInfo.isFile || markerInfo.uid !== uid) return undefined;
    return await Deno.readTextFile(marker) === session ? folder : undefined;
  } catch {
    // Whatever cannot be checked (gone, unreadable, no permission) is not proven Pygent's.
    return undefined;
  }
}

/** The folder holding absolute path `path`, or undefined for a root or a relative path. */
function parentOf(path: string): string | undefined {
  const at = path.lastIndexOf(SEP);
  return at > 0 ? path.slice(0, at) : undefined;
}

function regularFile(given: string, info: Deno.FileInfo): void {
  if (info.isDirectory) throw refusalError(given, { kind: "folder" });
  if (!info.isFile) throw refusalError(given, { kind: "special" });
  if (info.size > MAX_READ_BYTES) throw refusalError(given, { kind: "too-big", size: info.size });
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
    if (error instanceof Deno.errors.NotFound) throw refusalError(given, { kind: "missing" });
    if (error instanceof Deno.errors.AlreadyExists) throw refusalError(given, { kind: "appeared" });
    if (error instanceof Deno.errors.PermissionDenied) {
      throw refusalError(given, { kind: "denied" });
    }
    throw error;
  }
}

async function readAll(given: string, file: Deno.FsFile): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(64 * 1024);
  let total = 0;
  let n: number | null;
  // The file may grow after it was checked: never read past the limit.
  while ((n = await file.read(buf)) !== null && total <= MAX_READ_BYTES) {
    chunks.push(buf.slice(0, n));
    total += n;
  }
  if (total > MAX_READ_BYTES) throw refusalError(given, { kind: "grew" });
  return concat(chunks);
}
