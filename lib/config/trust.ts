/**
 * The trusted folders: the user file's `trusted = [...]`, whose project files
 * are read in full. Adding or removing one edits the file as text, so the
 * user's comments and layout stay as they were.
 *
 * @module
 */

import path from "node:path";
import { ConfigError } from "../errors.ts";
import { parseConfigFile, parseToml } from "./config_file.ts";
import { ConfigFileError } from "./errors.ts";
import { findProjectFile, realFolder } from "./paths.ts";
import { TomlLocations } from "./toml_locations.ts";

/** The user file, and how to name it. */
export interface UserFile {
  /** Its absolute path. */
  file: string;
  /** As the user would recognise it (`~/.config/pygent/config.toml`). */
  shown: string;
}

/** What a change of the trusted list did. */
export interface TrustChange {
  /** The folder, as recorded (a real absolute path). */
  folder: string;
  /** False when the list already was as asked. */
  changed: boolean;
  /** The list afterwards. */
  trusted: string[];
}

/**
 * The folder `pygent trust DIR` records: the one holding the `.pygent/` of
 * DIR's project (DIR itself or a folder above it, up to the git root), as a
 * real absolute path.
 *
 * @throws {ConfigError} When DIR is not a folder, or has no project file to trust.
 *
 * @example
 * ```ts
 * import { trustTarget } from "./trust.ts";
 * console.log(await trustTarget(".", Deno.cwd()));
 * ```
 */
export async function trustTarget(dir: string, cwd: string): Promise<string> {
  const absolute = path.resolve(cwd, dir);
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(absolute);
  } catch {
    throw new ConfigError(`${dir}: no such folder; give a folder that exists.`);
  }
  if (!info.isDirectory) throw new ConfigError(`${dir} is not a folder; give a folder.`);
  const found = await findProjectFile(absolute);
  // Trusting a folder with no project file would trust whatever file appears there later.
  if (found === undefined) {
    throw new ConfigError(
      `Nothing to trust in ${dir}: there is no .pygent/config.toml there or above it, up to the ` +
        "git root. Write the project's config file first, then trust its folder.",
    );
  }
  return found.folder;
}

/**
 * The trusted folders the user file lists ([] when there is no file).
 *
 * @throws {ConfigFileError} When the file cannot be read or is not valid.
 *
 * @example
 * ```ts
 * import { readTrusted } from "./trust.ts";
 * console.log(await readTrusted({ file: "/tmp/none/config.toml", shown: "config.toml" })); // []
 * ```
 */
export async function readTrusted(user: UserFile): Promise<string[]> {
  const text = await readText(user);
  return text === undefined ? [] : parseConfigFile(text, { kind: "user", ...user }).trusted;
}

/**
 * Adds a folder to the user file's `trusted` list, creating the file (mode
 * 0600) and its folder when missing.
 *
 * @example
 * ```ts
 * import { trustFolder } from "./trust.ts";
 * const dir = await Deno.makeTempDir();
 * const user = { file: `${dir}/config.toml`, shown: "config.toml" };
 * const change = await trustFolder(user, "/work/p");
 * console.log(change.changed, change.trusted); // true ["/work/p"]
 * ```
 */
export async function trustFolder(user: UserFile, folder: string): Promise<TrustChange> {
  const text = await readText(user);
  const trusted = text === undefined
    ? []
    : parseConfigFile(text, { kind: "user", ...user }).trusted;
  if (trusted.includes(folder)) return { folder, changed: false, trusted };
  const after = [...trusted, folder];
  if (text === undefined) {
    await Deno.mkdir(path.dirname(user.file), { recursive: true, mode: 0o700 });
    await Deno.writeTextFile(user.file, addTrusted("", folder), { mode: 0o600, createNew: true });
  } else {
    await Deno.writeTextFile(user.file, checked(addTrusted(text, folder), after, user));
  }
  return { folder, changed: true, trusted: after };
}

/**
 * Removes a folder from the user file's `trusted` list: every entry that is
 * the folder, or a link to it.
 *
 * @example
 * ```ts
 * import { untrustFolder } from "./trust.ts";
 * const dir = await Deno.makeTempDir();
 * const user = { file: `${dir}/config.toml`, shown: "config.toml" };
 * const change = await untrustFolder(user, "/work/p");
 * console.log(change.changed); // false
 * ```
 */
export async function untrustFolder(user: UserFile, folder: string): Promise<TrustChange> {
  const text = await readText(user);
  if (text === undefined) return { folder, changed: false, trusted: [] };
  const trusted = parseConfigFile(text, { kind: "user", ...user }).trusted;
  const gone = new Set<string>();
  for (const entry of trusted) if (await namesFolder(entry, folder)) gone.add(entry);
  if (gone.size === 0) return { folder, changed: false, trusted };
  const after = trusted.filter((entry) => !gone.has(entry));
  await Deno.writeTextFile(
    user.file,
    checked(removeTrusted(text, (e) => gone.has(e)), after, user),
  );
  return { folder, changed: true, trusted: after };
}

/**
 * The text with `folder` added to its top-level `trusted` list (the key
 * written after the last top-level key when there is none). Everything else
 * is left as it was.
 *
 * @example
 * ```ts
 * import { addTrusted } from "./trust.ts";
 * console.log(addTrusted('trusted = ["/a"] # mine\n', "/b")); // 'trusted = ["/a", "/b"] # mine\n'
 * ```
 */
export function addTrusted(text: string, folder: string): string {
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const literal = JSON.stringify(folder);
  const where = TomlLocations.scan(text);
  const entry = where.get(["trusted"]);
  if (!entry?.value || !entry.elements || entry.close === undefined) {
    const line = `trusted = [${literal}]${eol}`;
    if (where.rootEnd === undefined) return line + (text.trim() ? eol + text : "");
    const end = text.indexOf("\n", where.rootEnd);
    return end < 0 ? `${text}${eol}${line}` : text.slice(0, end + 1) + line + text.slice(end + 1);
  }
  const last = entry.elements.at(-1);
  if (!last) return splice(text, entry.value.start, entry.value.end, `[${literal}]`);
  const closeLine = text.lastIndexOf("\n", entry.close - 1) + 1;
  const ownLine = closeLine > last.end && !text.slice(closeLine, entry.close).trim();
  if (!ownLine) return splice(text, last.end, last.end, `, ${literal}`);
  // A list written one entry a line: a new line above the closing bracket.
  const lastLine = text.lastIndexOf("\n", last.start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lastLine))![0];
  const withEntry = splice(text, closeLine, closeLine, `${indent}${literal},${eol}`);
  return /^\s*,/.test(text.slice(last.end))
    ? withEntry
    : splice(withEntry, last.end, last.end, ",");
}

/**
 * The text with the `trusted` entries that `remove` picks taken out (a line
 * that held only such an entry goes whole).
 *
 * @example
 * ```ts
 * import { removeTrusted } from "./trust.ts";
 * console.log(removeTrusted('trusted = ["/a", "/b"]\n', (e) => e === "/a"));
 * // 'trusted = ["/b"]\n'
 * ```
 */
export function removeTrusted(text: string, remove: (entry: string) => boolean): string {
  const values = parseToml(text, "the file").trusted;
  const elements = TomlLocations.scan(text).get(["trusted"])?.elements ?? [];
  if (!Array.isArray(values)) return text;
  let result = text;
  for (let i = elements.length - 1; i >= 0; i--) {
    if (!remove(String(values[i]))) continue;
    const { start, end } = elements[i];
    const lineStart = result.lastIndexOf("\n", start - 1) + 1;
    const lineEnd = result.indexOf("\n", end);
    const rest = result.slice(end, lineEnd < 0 ? result.length : lineEnd);
    if (!result.slice(lineStart, start).trim() && /^\s*,?\s*(#.*)?$/.test(rest)) {
      result = splice(result, lineStart, lineEnd < 0 ? result.length : lineEnd + 1, "");
      continue;
    }
    const after = /^\s*,\s*/.exec(result.slice(end));
    const before = /,\s*$/.exec(result.slice(0, start));
    result = after
      ? splice(result, start, end + after[0].length, "")
      : splice(result, before ? before.index : start, end, "");
  }
  return result;
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** The edited text, once it has been read back with the expected list. */
function checked(text: string, expected: string[], user: UserFile): string {
  const trusted = parseConfigFile(text, { kind: "user", ...user }).trusted;
  if (JSON.stringify(trusted) !== JSON.stringify(expected)) {
    throw new ConfigFileError(
      `Could not edit ${user.shown} as text; set trusted = ${
        JSON.stringify(expected)
      } there by hand.`,
      { file: user.shown, key: "trusted" },
    );
  }
  return text;
}

async function readText(user: UserFile): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(user.file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    const why = error instanceof Deno.errors.PermissionDenied ? "permission denied" : String(error);
    throw new ConfigFileError(`Cannot read ${user.shown}: ${why}.`, { file: user.shown });
  }
}

/**
 * Whether a `trusted` entry names `folder` (a real absolute path): as written, or once its
 * symlinks are resolved.
 *
 * @example
 * ```ts
 * import { namesFolder } from "./trust.ts";
 * console.log(await namesFolder("/tmp/../tmp", "/tmp")); // true
 * ```
 */
export async function namesFolder(entry: string, folder: string): Promise<boolean> {
  return path.resolve(entry) === folder || await realFolder(entry) === folder;
}
