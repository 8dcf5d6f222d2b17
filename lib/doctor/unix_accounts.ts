/**
 * Names of users and groups, read from `/etc/passwd` and `/etc/group`, and the groups this
 * process holds: what the `permission` check needs to say who cannot open the socket and why.
 *
 * @module
 */

/** One line of `/etc/group`: its name, id and listed members. */
export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/**
 * The user name of `uid`, from `/etc/passwd` (undefined when it is not there).
 *
 * @example
 * ```ts
 * import { userName } from "./unix_accounts.ts";
 * console.log(await userName(0)); // "root"
 * ```
 */
export async function userName(uid: number): Promise<string | undefined> {
  for (const fields of await _entries("/etc/passwd")) {
    if (Number(fields[2]) === uid) return fields[0];
  }
  return undefined;
}

/**
 * The group whose id is `gid`, from `/etc/group` (undefined when it is not there).
 *
 * @example
 * ```ts
 * import { groupOf } from "./unix_accounts.ts";
 * console.log((await groupOf(0))?.name); // "root"
 * ```
 */
export async function groupOf(gid: number): Promise<GroupEntry | undefined> {
  for (const fields of await _entries("/etc/group")) {
    if (Number(fields[2]) !== gid) continue;
    return { name: fields[0], gid, members: (fields[3] ?? "").split(",").filter(Boolean) };
  }
  return undefined;
}

/**
 * The group ids this process holds (its primary and supplementary groups), from
 * `/proc/self/status`; undefined where there is no such file (macOS, Windows).
 *
 * @example
 * ```ts
 * import { processGroups } from "./unix_accounts.ts";
 * console.log(await processGroups()); // e.g. [0] on Linux
 * ```
 */
export async function processGroups(): Promise<number[] | undefined> {
  let status: string;
  try {
    status = await Deno.readTextFile("/proc/self/status");
  } catch {
    return undefined;
  }
  const line = status.split("\n").find((l) => l.startsWith("Groups:"));
  const groups = (line ?? "").slice("Groups:".length).trim().split(/\s+/).filter(Boolean)
    .map(Number);
  const gid = Deno.gid();
  return gid === null || groups.includes(gid) ? groups : [gid, ...groups];
}

async function _entries(file: string): Promise<string[][]> {
  try {
    return (await Deno.readTextFile(file)).split("\n")
      .filter((line) => line && !line.startsWith("#"))
      .map((line) => line.split(":"));
  } catch {
    return [];
  }
}
