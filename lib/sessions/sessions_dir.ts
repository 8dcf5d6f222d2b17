/**
 * Where sessions are kept: `$XDG_DATA_HOME/pygent/sessions/` (default
 * `~/.local/share/pygent/sessions/`), `%LOCALAPPDATA%\pygent\sessions` on Windows.
 *
 * @module
 */

import path from "node:path";
import { DATA_DIR, pygentDir, unsetDirReason } from "../user_dirs.ts";
import { SessionError } from "./errors.ts";

/**
 * The sessions folder's absolute path (it may not exist yet).
 *
 * @throws {SessionError} When neither the data variable nor a home folder is set.
 *
 * @example
 * ```ts
 * import { sessionsDir } from "./sessions_dir.ts";
 * const env: Record<string, string> = { HOME: "/home/me" };
 * console.log(sessionsDir((name) => env[name], "linux"));
 * // "/home/me/.local/share/pygent/sessions"
 * ```
 */
export function sessionsDir(
  getEnv: (name: string) => string | undefined,
  os: typeof Deno.build.os = Deno.build.os,
): string {
  const folder = pygentDir(DATA_DIR, getEnv, os);
  if (folder === undefined) {
    throw new SessionError(
      `Cannot find where to keep sessions: ${unsetDirReason(DATA_DIR, os)}, or pass ` +
        "--no-history.",
    );
  }
  return (os === "windows" ? path.win32 : path).join(folder, "sessions");
}
