/**
 * `pygent trust [DIR]`, `pygent trust --remove [DIR]`, `pygent trust --list`:
 * the folders whose project file (`.pygent/config.toml`) is read in full,
 * recorded as `trusted = [...]` in the user's config file. Says in one line
 * what it did; when nothing changed, it lists the trusted folders too.
 *
 * @module
 */

import path from "node:path";
import { ConfigError } from "../errors.ts";
import {
  pinTrust,
  projectDigest,
  readTrusted,
  trustFolder,
  trustTarget,
  unchangedSinceTrusted,
  untrustFolder,
  type UserFile,
  userFile,
} from "../config/mod.ts";
import { parseTrustArgs } from "./args.ts";
import type { CommandIo } from "./command_io.ts";
import { USAGE_EXIT_CODE, UsageError } from "./errors.ts";
import { reveal } from "./sanitize.ts";

/**
 * Runs `pygent trust` with the arguments after `trust`; resolves to the exit
 * code (0, or 2 for a bad argument, a folder that is not there or a user file
 * that cannot be read).
 *
 * @example
 * ```ts ignore
 * import { runTrustCommand } from "./trust_command.ts";
 * const code = await runTrustCommand(["--list"], {
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * });
 * ```
 */
export async function runTrustCommand(argv: string[], io: CommandIo): Promise<number> {
  try {
    const parsed = parseTrustArgs(argv);
    if (parsed.kind === "print") {
      io.out(parsed.text);
      return 0;
    }
    const { dir, remove, list } = parsed.args;
    const user = userFile(io.getEnv, io.os);
    if (list) {
      io.out(listing(await readTrusted(user), user));
      return 0;
    }
    if (remove) {
      const folder = await removalTarget(dir ?? ".", io.cwd);
      const change = await untrustFolder(user, folder);
      await pinTrust(user.file, folder, undefined);
      io.out(
        change.changed
          ? reveal(`No longer trusted: ${folder} (removed from ${user.shown}).`) + "\n"
          : reveal(`${folder} was not trusted.`) + "\n" + listing(change.trusted, user),
      );
      return 0;
    }
    const folder = await trustTarget(dir ?? ".", io.cwd);
    const change = await trustFolder(user, folder);
    // What is trusted is the file as it is now: a later change needs trusting again.
    const renewed = !change.changed && !await unchangedSinceTrusted(user.file, folder);
    await pinTrust(user.file, folder, await projectDigest(folder));
    io.out(
      change.changed || renewed
        ? reveal(
          `Trusted ${folder}${renewed ? " again" : ""}: its .pygent/config.toml, as it is now, ` +
            `is read in full (recorded in ${user.shown}; a later change needs pygent trust ` +
            "again).",
        ) + "\n"
        : reveal(`${folder} is already trusted.`) + "\n" + listing(change.trusted, user),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    io.err(`pygent: ${reveal(error.message)}\n`);
    return USAGE_EXIT_CODE;
  }
}

/** The folder to stop trusting: as `pygent trust` records it, or DIR itself once it is gone. */
async function removalTarget(dir: string, cwd: string): Promise<string> {
  try {
    return await trustTarget(dir, cwd);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return path.resolve(cwd, dir);
  }
}

function listing(trusted: string[], user: UserFile): string {
  if (trusted.length === 0) {
    return reveal(`No folder is trusted in ${user.shown} (pygent trust DIR trusts one).`) + "\n";
  }
  const heading = `Trusted folders (in ${user.shown}):`;
  return [heading, ...trusted.map((folder) => `  ${folder}`)].map(reveal).join("\n") + "\n";
}
