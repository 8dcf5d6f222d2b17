/**
 * What a trusted project file said when it was trusted: a SHA-256 of each
 * trusted folder's `.pygent/config.toml`, kept beside the user file in
 * `trusted.json`. Trust is for a file the user has read, so a file that changed
 * since (a `git pull`, or the model writing it on the host) is not trusted until
 * `pygent trust` is run again, as direnv does with `.envrc`.
 *
 * @module
 */

import path from "node:path";
import { ConfigError } from "../errors.ts";
import { PROJECT_FILE } from "./paths.ts";

/** Where a user file's trust pins are: `trusted.json` in the same folder. */
export function pinsFile(userFile: string): string {
  return path.join(path.dirname(userFile), "trusted.json");
}

/**
 * The SHA-256 (hex) of a folder's project file, or undefined when it has none.
 *
 * @example
 * ```ts
 * import { projectDigest } from "./trust_pins.ts";
 * console.log(await projectDigest(Deno.cwd())); // e.g. "3f2a…", or undefined
 * ```
 */
export async function projectDigest(folder: string): Promise<string | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path.join(folder, PROJECT_FILE));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The pins of a user file: folder → SHA-256 of its project file when it was trusted ({} when
 * there are none).
 *
 * @throws {ConfigError} When `trusted.json` cannot be read or is not a map of strings.
 */
export async function readPins(userFile: string): Promise<Record<string, string>> {
  const file = pinsFile(userFile);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}.`, { cause: error });
  }
  let pins: unknown;
  try {
    pins = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${file} is not valid JSON; remove it and run pygent trust again.`, {
      cause,
    });
  }
  const valid = typeof pins === "object" && pins !== null && !Array.isArray(pins) &&
    Object.values(pins).every((value) => typeof value === "string");
  if (!valid) {
    throw new ConfigError(`${file} is not a map of folders; remove it and run pygent trust again.`);
  }
  return pins as Record<string, string>;
}

/**
 * Records a folder's project file as it is now (`digest` undefined: forgets the folder).
 *
 * @example
 * ```ts ignore
 * import { pinTrust, projectDigest } from "./trust_pins.ts";
 * await pinTrust("/home/me/.config/pygent/config.toml", "/src/app", await projectDigest("/src/app"));
 * ```
 */
export async function pinTrust(
  userFile: string,
  folder: string,
  digest: string | undefined,
): Promise<void> {
  const pins = await readPins(userFile);
  if (digest === undefined) delete pins[folder];
  else pins[folder] = digest;
  await Deno.mkdir(path.dirname(userFile), { recursive: true, mode: 0o700 });
  await Deno.writeTextFile(pinsFile(userFile), JSON.stringify(pins, null, 2) + "\n", {
    mode: 0o600,
  });
}

/**
 * Whether a trusted folder's project file is still the one that was trusted: true when it is,
 * or when no pin was recorded (a `trusted` entry written by hand).
 */
export async function unchangedSinceTrusted(userFile: string, folder: string): Promise<boolean> {
  const pinned = (await readPins(userFile))[folder];
  return pinned === undefined || pinned === await projectDigest(folder);
}
