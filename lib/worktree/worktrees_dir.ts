/**
 * Where sessions' worktrees are checked out: `$XDG_DATA_HOME/pygent/worktrees/`
 * (`%LOCALAPPDATA%\pygent\worktrees` on Windows), one folder per session id.
 *
 * @module
 */

import path from "node:path";
import { DATA_DIR, pygentDir, unsetDirReason } from "../user_dirs.ts";
import { WorktreeSetupError } from "./errors.ts";

/**
 * The folder a session's worktree goes in (it may not exist yet).
 *
 * @throws {WorktreeSetupError} When neither the data variable nor a home folder is set.
 *
 * @example
 * ```ts
 * import { worktreePath } from "./worktrees_dir.ts";
 * const env: Record<string, string> = { HOME: "/home/me" };
 * console.log(worktreePath("20261202-101500-0a1b", (name) => env[name], "linux"));
 * // "/home/me/.local/share/pygent/worktrees/20261202-101500-0a1b"
 * ```
 */
export function worktreePath(
  id: string,
  getEnv: (name: string) => string | undefined,
  os: typeof Deno.build.os = Deno.build.os,
): string {
  const folder = pygentDir(DATA_DIR, getEnv, os);
  if (folder === undefined) {
    throw new WorktreeSetupError(
      `Cannot find where to put the worktree: ${unsetDirReason(DATA_DIR, os)}.`,
    );
  }
  return (os === "windows" ? path.win32 : path).join(folder, "worktrees", id);
}
