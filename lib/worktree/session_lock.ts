/**
 * One pygent at a time on a session's worktree: the session that works in it
 * holds a lock file beside it (`worktrees/ID.lock`, where the sandbox cannot
 * write), and another pygent (a second `--resume`, `pygent merge ID` from
 * another terminal) is refused while that process lives. A lock left by a
 * process that is gone is taken over.
 *
 * @module
 */

import path from "node:path";
import { processAlive } from "../runtime/mod.ts";
import { WorktreeError } from "./errors.ts";

/** Who holds a session's lock. */
export interface LockHolder {
  /** Its process id. */
  pid: number;
  /** The machine it runs on. */
  host: string;
  /** When it took the lock (ISO 8601). */
  since: string;
}

/**
 * Takes the lock of the worktree at `worktreePath` for this process.
 *
 * @throws {WorktreeError} When another live process holds it.
 */
export async function lockSession(worktreePath: string, id: string): Promise<void> {
  const holder: LockHolder = {
    pid: Deno.pid,
    host: Deno.hostname(),
    since: new Date().toISOString(),
  };
  await Deno.mkdir(path.dirname(worktreePath), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      // Made anew or not at all: two pygents taking the lock at once cannot both have it.
      await Deno.writeTextFile(lockFile(worktreePath), JSON.stringify(holder) + "\n", {
        createNew: true,
      });
      return;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const stale = await takeable(worktreePath, id);
    if (stale !== undefined) await moveAside(lockFile(worktreePath), stale);
  }
  throw new WorktreeError(
    `Session ${id} was just taken by another pygent (its lock is ${lockFile(worktreePath)}): ` +
      "try again in a moment.",
  );
}

/**
 * Gives the lock back when this process holds it (or, with `anyHolder`, whoever does: the
 * worktree is being removed); synchronous, for a process that is ending.
 */
export function unlockSession(worktreePath: string, anyHolder = false): void {
  try {
    const holder = readHolder(Deno.readTextFileSync(lockFile(worktreePath)));
    if (anyHolder || (holder?.pid === Deno.pid && holder.host === Deno.hostname())) {
      Deno.removeSync(lockFile(worktreePath));
    }
  } catch {
    // No lock, or one that cannot be read: nothing of ours to give back.
  }
}

/**
 * Refuses when another live process works on session `id`'s worktree.
 *
 * @throws {WorktreeError} Naming the process, and what to do.
 */
export async function refuseIfRunning(worktreePath: string, id: string): Promise<void> {
  await takeable(worktreePath, id);
}

/**
 * The lock's text when no live process of another pygent holds it (ours, or left by a process
 * that is gone); undefined when there is none.
 *
 * @throws {WorktreeError} When another live process holds it.
 */
async function takeable(worktreePath: string, id: string): Promise<string | undefined> {
  const text = await Deno.readTextFile(lockFile(worktreePath)).catch(() => undefined);
  const holder = text === undefined ? undefined : readHolder(text);
  if (!holder || (holder.pid === Deno.pid && holder.host === Deno.hostname())) return text;
  if (holder.host === Deno.hostname() && !await processAlive(holder.pid)) return text;
  throw new WorktreeError(
    `Session ${id} is running in another pygent (pid ${holder.pid} on ${holder.host}, since ` +
      `${holder.since}): end it first, then try again. (Its lock is ${lockFile(worktreePath)}.)`,
  );
}

/**
 * Moves the lock judged stale (`judged`, its text) out of the way, atomically: of two pygents
 * taking it over at once, one moves it; the other, finding a fresh lock in its place, puts that
 * one back.
 */
async function moveAside(lock: string, judged: string): Promise<void> {
  const aside = `${lock}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.rename(lock, aside);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  const moved = await Deno.readTextFile(aside).catch(() => undefined);
  if (moved !== judged) await Deno.link(aside, lock).catch(() => {});
  await Deno.remove(aside).catch(() => {});
}

function lockFile(worktreePath: string): string {
  return `${worktreePath}.lock`;
}

function readHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text);
    return typeof value?.pid === "number" && typeof value.host === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
