/**
 * Shared pieces of the config tests: a real folder tree in a temporary
 * directory (a user config home, a repository with its project file), and
 * the loader run against it with a fixed environment.
 *
 * @module
 */

import path from "node:path";
import { type LoadedSettings, loadSettings } from "../../lib/config/mod.ts";
import type { FlagLayer } from "../../lib/config/mod.ts";

/** A temporary folder tree, removed when disposed. */
export interface Tree extends AsyncDisposable {
  /** The tree's real absolute path. */
  root: string;
  /** An absolute path inside the tree. */
  at(relative: string): string;
  /** Writes a file (making its folders). */
  write(relative: string, text: string): Promise<string>;
  /** Makes a folder (and its parents). */
  mkdir(relative: string): Promise<string>;
}

/**
 * Makes a temporary tree holding `files` (relative path → text; a path ending
 * in `/` is a folder).
 */
export async function tree(files: Record<string, string> = {}): Promise<Tree> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-config-" }));
  const at = (relative: string) => path.join(root, relative);
  const result: Tree = {
    root,
    at,
    async write(relative, text) {
      await Deno.mkdir(path.dirname(at(relative)), { recursive: true });
      await Deno.writeTextFile(at(relative), text);
      return at(relative);
    },
    async mkdir(relative) {
      await Deno.mkdir(at(relative), { recursive: true });
      return at(relative);
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
  for (const [relative, text] of Object.entries(files)) {
    if (relative.endsWith("/")) await result.mkdir(relative);
    else await result.write(relative, text);
  }
  return result;
}

/** Where the user file of {@linkcode load} is, inside a tree. */
export const USER_FILE = "xdg/pygent/config.toml";

/** What {@linkcode load} takes besides the tree. */
export interface LoadOptions {
  flags?: FlagLayer;
  env?: Record<string, string>;
  /** The current directory, relative to the tree (default: the tree). */
  cwd?: string;
  /** The workspace, relative to the tree. */
  workspace?: string;
}

/**
 * Loads the settings with the user file at {@linkcode USER_FILE} of the tree
 * (`XDG_CONFIG_HOME`), `HOME` at the tree, and only the variables given.
 */
export function load(t: Tree, options: LoadOptions = {}): Promise<LoadedSettings> {
  const env: Record<string, string> = {
    XDG_CONFIG_HOME: t.at("xdg"),
    HOME: t.root,
    ...options.env,
  };
  return loadSettings({
    flags: options.flags ?? {},
    getEnv: (name) => env[name],
    cwd: t.at(options.cwd ?? "."),
    workspace: options.workspace === undefined ? undefined : t.at(options.workspace),
    os: "linux",
  });
}

/** The error a promise rejects with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw error;
  }
  throw new Error("it did not fail");
}
