/**
 * Where the config files are: the user's (`$XDG_CONFIG_HOME/pygent/config.toml`,
 * `%APPDATA%\pygent\config.toml` on Windows) and the project's
 * (`.pygent/config.toml` in the workspace or a folder above it, up to the git
 * root), and how to show a path the way the user would recognise it.
 *
 * @module
 */

import path from "node:path";
import { CONFIG_DIR, pygentDir, unsetDirReason } from "../user_dirs.ts";
import { ConfigError } from "../errors.ts";

/** The project file, relative to the folder it belongs to. */
export const PROJECT_FILE = path.join(".pygent", "config.toml");

/**
 * The user file's absolute path: `$XDG_CONFIG_HOME/pygent/config.toml`, else
 * `~/.config/pygent/config.toml`; on Windows `%APPDATA%\pygent\config.toml`.
 *
 * @throws {ConfigError} When neither variable nor a home folder is set.
 *
 * @example
 * ```ts
 * import { userConfigFile } from "./paths.ts";
 * const env: Record<string, string> = { HOME: "/home/me" };
 * console.log(userConfigFile((name) => env[name], "linux"));
 * // "/home/me/.config/pygent/config.toml"
 * ```
 */
export function userConfigFile(
  getEnv: (name: string) => string | undefined,
  os: typeof Deno.build.os = Deno.build.os,
): string {
  const folder = pygentDir(CONFIG_DIR, getEnv, os);
  if (folder === undefined) {
    throw new ConfigError(
      `Cannot find the user config file: ${unsetDirReason(CONFIG_DIR, os)}.`,
    );
  }
  return (os === "windows" ? path.win32 : path).join(folder, "config.toml");
}

/**
 * The user file's absolute path, and the same as the user would recognise it
 * (under the home folder, with `~`).
 *
 * @example
 * ```ts
 * import { userFile } from "./paths.ts";
 * const env: Record<string, string> = { HOME: "/home/me" };
 * console.log(userFile((name) => env[name], "linux").shown); // "~/.config/pygent/config.toml"
 * ```
 */
export function userFile(
  getEnv: (name: string) => string | undefined,
  os: typeof Deno.build.os = Deno.build.os,
): { file: string; shown: string } {
  const file = userConfigFile(getEnv, os);
  return {
    file,
    shown: shownPath(file, { home: getEnv(os === "windows" ? "USERPROFILE" : "HOME") }),
  };
}

/** A project file and the folder it belongs to (the one holding `.pygent/`). */
export interface ProjectFile {
  /** The file's absolute path. */
  file: string;
  /** The folder holding `.pygent/`: what `pygent trust` records. */
  folder: string;
}

/**
 * The project file for a folder: `.pygent/config.toml` in it, or in the
 * nearest folder above it up to the git root (a folder holding `.git`). Outside
 * a git repository only the folder itself is looked in. Paths are real (no links).
 *
 * @example
 * ```ts
 * import { findProjectFile } from "./paths.ts";
 * const found = await findProjectFile(Deno.cwd());
 * console.log(found?.file ?? "no project file");
 * ```
 */
export async function findProjectFile(start: string): Promise<ProjectFile | undefined> {
  const from = await realFolder(start);
  const folders = [from];
  for (let dir = from; !await exists(path.join(dir, ".git"));) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      folders.length = 1; // No git root: the folder itself only.
      break;
    }
    dir = parent;
    folders.push(dir);
  }
  for (const folder of folders) {
    const file = path.join(folder, PROJECT_FILE);
    if (await exists(file)) return { file, folder };
  }
  return undefined;
}

/**
 * A folder's real absolute path (links resolved), or the path made absolute
 * when it does not exist.
 *
 * @example
 * ```ts
 * import { realFolder } from "./paths.ts";
 * console.log(await realFolder("."));
 * ```
 */
export async function realFolder(folder: string): Promise<string> {
  try {
    return await Deno.realPath(folder);
  } catch {
    return path.resolve(folder);
  }
}

/**
 * A path as the user would recognise it: relative when it is inside `cwd`
 * (`.pygent/config.toml`), with `~` when it is inside `home`, else absolute.
 *
 * @example
 * ```ts
 * import { shownPath } from "./paths.ts";
 * console.log(shownPath("/w/p/.pygent/config.toml", { cwd: "/w/p" })); // ".pygent/config.toml"
 * console.log(shownPath("/home/me/.config/pygent/config.toml", { home: "/home/me" }));
 * // "~/.config/pygent/config.toml"
 * ```
 */
export function shownPath(file: string, where: { cwd?: string; home?: string }): string {
  const inside = (folder: string | undefined) => {
    if (!folder) return undefined;
    const relative = path.relative(folder, file);
    const outside = relative === ".." || relative.startsWith(`..${path.sep}`);
    return relative && !outside && !path.isAbsolute(relative) ? relative : undefined;
  };
  const fromCwd = inside(where.cwd);
  if (fromCwd !== undefined) return fromCwd;
  const fromHome = inside(where.home);
  return fromHome !== undefined ? path.join("~", fromHome) : file;
}

async function exists(file: string): Promise<boolean> {
  try {
    await Deno.lstat(file);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotADirectory) {
      return false;
    }
    return true; // Unreadable: reading it will say so.
  }
}
