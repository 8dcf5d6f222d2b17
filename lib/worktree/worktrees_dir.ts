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
 * @throws {WorktreeSetupError} When neither the data variable nor a home folder is set, or the
 *   id cannot name a branch and a folder.
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
  checkSessionId(id);
  const folder = pygentDir(DATA_DIR, getEnv, os);
  if (folder === undefined) {
    throw new WorktreeSetupError(
      `Cannot find where to put the worktree: ${unsetDirReason(DATA_DIR, os)}.`,
    );
  }
  return (os === "windows" ? path.win32 : path).join(folder, "worktrees", id);
}

/** What a session id may be, to name a branch `pygent/ID` and a folder: no path, no git syntax. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Refuses an id that cannot name a branch and a folder (`../x`, `a..b`, a space…).
 *
 * @throws {WorktreeSetupError} Naming the id and what an id may hold.
 *
 * @example
 * ```ts
 * import { checkSessionId } from "./worktrees_dir.ts";
 * checkSessionId("20261202-101500-0a1b"); // fine
 * ```
 */
export function checkSessionId(id: string): void {
  if (SAFE_ID.test(id)) return;
  throw new WorktreeSetupError(
    `The session id ${JSON.stringify(id)} cannot name a branch and a folder: use letters, ` +
      "digits, - and _ (at most 64), starting with a letter or a digit.",
  );
}
