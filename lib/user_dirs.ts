/**
 * Pygent's per-user folders, as the platform names them: XDG base
 * directories on Linux and macOS, `AppData` on Windows. The config loader
 * keeps the user file in one, the session store its sessions in another.
 *
 * @module
 */

import path from "node:path";

/** Where one kind of per-user folder is. */
export interface UserDirKind {
  /** The XDG variable (`XDG_CONFIG_HOME`); a relative path there is ignored, as XDG says. */
  xdgVariable: string;
  /** Its default below the home folder, e.g. `[".config"]`. */
  homeDefault: readonly string[];
  /** The Windows variable (`APPDATA`). */
  windowsVariable: string;
  /** Its default below `USERPROFILE`, e.g. `["AppData", "Roaming"]`. */
  windowsDefault: readonly string[];
}

/** Configuration: `$XDG_CONFIG_HOME` (`~/.config`), `%APPDATA%` on Windows. */
export const CONFIG_DIR: UserDirKind = {
  xdgVariable: "XDG_CONFIG_HOME",
  homeDefault: [".config"],
  windowsVariable: "APPDATA",
  windowsDefault: ["AppData", "Roaming"],
};

/** Data: `$XDG_DATA_HOME` (`~/.local/share`), `%LOCALAPPDATA%` on Windows. */
export const DATA_DIR: UserDirKind = {
  xdgVariable: "XDG_DATA_HOME",
  homeDefault: [".local", "share"],
  windowsVariable: "LOCALAPPDATA",
  windowsDefault: ["AppData", "Local"],
};

/**
 * Pygent's folder of a kind (`…/pygent`), or undefined when neither its variable nor a home
 * folder is set.
 *
 * @example
 * ```ts
 * import { CONFIG_DIR, pygentDir } from "./user_dirs.ts";
 * const env: Record<string, string> = { HOME: "/home/me" };
 * console.log(pygentDir(CONFIG_DIR, (name) => env[name], "linux")); // "/home/me/.config/pygent"
 * ```
 */
export function pygentDir(
  kind: UserDirKind,
  getEnv: (name: string) => string | undefined,
  os: typeof Deno.build.os = Deno.build.os,
): string | undefined {
  if (os === "windows") {
    const profile = getEnv("USERPROFILE");
    const base = getEnv(kind.windowsVariable) ||
      (profile && path.win32.join(profile, ...kind.windowsDefault));
    return base ? path.win32.join(base, "pygent") : undefined;
  }
  const xdg = getEnv(kind.xdgVariable);
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "pygent");
  const home = getEnv("HOME");
  return home ? path.join(home, ...kind.homeDefault, "pygent") : undefined;
}

/**
 * Why {@linkcode pygentDir} found no folder of a kind, and what to set: for a message that
 * begins with what could not be found.
 *
 * @example
 * ```ts
 * import { DATA_DIR, unsetDirReason } from "./user_dirs.ts";
 * console.log(unsetDirReason(DATA_DIR, "linux"));
 * // "neither XDG_DATA_HOME nor HOME is set; set one of them"
 * ```
 */
export function unsetDirReason(
  kind: UserDirKind,
  os: typeof Deno.build.os = Deno.build.os,
): string {
  return os === "windows"
    ? `${kind.windowsVariable} is not set; set it to your ${kind.windowsDefault.join("\\")} folder`
    : `neither ${kind.xdgVariable} nor HOME is set; set one of them`;
}
