/**
 * The sessions folder as a whole: the sessions newest first, a session named
 * by a unique prefix of its id (or `last`), the newest of a workspace, removal,
 * and the removal of files older than `history_max_days`.
 *
 * @module
 */

import path from "node:path";
import type { ChatMessage } from "../agent/history.ts";
import { SessionError, SessionFileError } from "./errors.ts";
import {
  readSessionText,
  type SessionHeader,
  type SessionRecord,
  type SessionWorktreeInfo,
} from "./session_file.ts";
import { SESSION_FILE_EXTENSION, SESSION_ID_PATTERN } from "../session_id.ts";

/** One session, as `pygent sessions` lists it. */
export interface SessionSummary {
  /** The id. */
  id: string;
  /** When it started (ISO 8601). */
  started: string;
  /** The workspace's real path; null for a temporary one. */
  workspace: string | null;
  /** The model. */
  model: string;
  /** Messages of its conversation, the system prompt not counted. */
  messages: number;
  /** The first request of its conversation, as typed; undefined when there is none. */
  firstRequest: string | undefined;
  /** The session it continued, if any. */
  resumedFrom?: string;
  /** With `--worktree`: the branch it worked on, and where. */
  worktree?: SessionWorktreeInfo;
  /** The file. */
  file: string;
}

/** A session read to be resumed. */
export interface ResumedSession extends SessionRecord {
  /** Its file. */
  file: string;
}

/**
 * The sessions of `dir`, newest first; files that cannot be read are skipped.
 *
 * @example
 * ```ts ignore
 * import { listSessions } from "./session_store.ts";
 * for (const s of await listSessions(dir)) console.log(s.id, s.messages, s.firstRequest);
 * ```
 */
export async function listSessions(dir: string): Promise<SessionSummary[]> {
  const summaries: SessionSummary[] = [];
  for (const id of await sessionIds(dir)) {
    const file = fileOf(dir, id);
    let record: SessionRecord;
    try {
      record = readSessionText(await Deno.readTextFile(file), file);
    } catch {
      continue;
    }
    summaries.push(summary(record, file));
  }
  return summaries;
}

/**
 * Reads the session `ref` names: `last` (the newest), or a unique prefix of an id.
 *
 * @throws {SessionError} When none or several match, or the file cannot be read.
 *
 * @example
 * ```ts ignore
 * import { findSession } from "./session_store.ts";
 * const session = await findSession(dir, "20261201-18");
 * console.log(session.header.id, session.messages.length);
 * ```
 */
export async function findSession(dir: string, ref: string): Promise<ResumedSession> {
  const ids = await sessionIds(dir);
  if (ref === "last") {
    if (ids.length === 0) throw new SessionError(`there is no session to resume in ${dir}.`);
    return await readSession(dir, ids[0]);
  }
  return await readSession(dir, matchId(ids, ref, dir));
}

/**
 * Reads the newest session whose workspace is `workspace` (a real path).
 *
 * @throws {SessionError} When this workspace has no session.
 *
 * @example
 * ```ts ignore
 * import { newestSessionOf } from "./session_store.ts";
 * const session = await newestSessionOf(dir, await Deno.realPath("."));
 * ```
 */
export async function newestSessionOf(dir: string, workspace: string): Promise<ResumedSession> {
  for (const id of await sessionIds(dir)) {
    const file = fileOf(dir, id);
    let header: SessionHeader;
    try {
      header = readSessionText(await Deno.readTextFile(file), file).header;
    } catch {
      continue;
    }
    if (header.workspace === workspace) return await readSession(dir, id);
  }
  throw new SessionError(
    `no session was kept for the workspace ${workspace}; pygent sessions lists them all ` +
      "(pygent --resume ID resumes one).",
  );
}

/**
 * Removes the session `ref` names (a unique prefix of its id); resolves to its id.
 *
 * @throws {SessionError} When none or several match.
 *
 * @example
 * ```ts ignore
 * import { removeSession } from "./session_store.ts";
 * console.log(await removeSession(dir, "20261201-183012")); // "20261201-183012-a1b2"
 * ```
 */
export async function removeSession(dir: string, ref: string): Promise<string> {
  const id = matchId(await sessionIds(dir), ref, dir);
  await Deno.remove(fileOf(dir, id));
  return id;
}

/**
 * Removes the session files not written to for more than `maxDays` days; resolves to their ids.
 * A missing folder has nothing to remove.
 *
 * @example
 * ```ts ignore
 * import { pruneSessions } from "./session_store.ts";
 * const removed = await pruneSessions(dir, 30);
 * ```
 */
export async function pruneSessions(
  dir: string,
  maxDays: number,
  now: Date = new Date(),
): Promise<string[]> {
  const limit = now.getTime() - maxDays * 24 * 60 * 60 * 1000;
  const removed: string[] = [];
  for (const id of await sessionIds(dir)) {
    const file = fileOf(dir, id);
    try {
      const { mtime } = await Deno.stat(file);
      if (mtime && mtime.getTime() < limit) {
        await Deno.remove(file);
        removed.push(id);
      }
    } catch {
      // Gone already, or not ours to remove: the next start tries again.
    }
  }
  return removed;
}

/** The number of messages of a conversation, the system prompt not counted. */
export function countMessages(messages: readonly ChatMessage[]): number {
  return messages.filter((message) => message.role !== "system").length;
}

/** The ids of the session files of `dir`, newest first. */
async function sessionIds(dir: string): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.endsWith(SESSION_FILE_EXTENSION)) continue;
      const id = entry.name.slice(0, -SESSION_FILE_EXTENSION.length);
      if (SESSION_ID_PATTERN.test(id)) ids.push(id);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw new SessionError(
      `cannot read the sessions folder ${dir}: ${(error as Error).message}.`,
      { cause: error },
    );
  }
  return ids.sort().reverse();
}

function matchId(ids: string[], ref: string, dir: string): string {
  const matches = ref === "" ? [] : ids.filter((id) => id.startsWith(ref));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0) {
    throw new SessionError(
      `no session id starts with ${JSON.stringify(ref)} in ${dir}; pygent sessions lists them.`,
    );
  }
  const shown = matches.slice(0, 5).join(", ") + (matches.length > 5 ? ", …" : "");
  throw new SessionError(
    `${JSON.stringify(ref)} names ${matches.length} sessions (${shown}); give more of the id.`,
  );
}

async function readSession(dir: string, id: string): Promise<ResumedSession> {
  const file = fileOf(dir, id);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (cause) {
    throw new SessionFileError(file, (cause as Error).message, { cause });
  }
  return { ...readSessionText(text, file), file };
}

function summary(record: SessionRecord, file: string): SessionSummary {
  const { header, messages } = record;
  const first = messages.find((message) => message.role === "user");
  return {
    id: header.id,
    started: header.started,
    workspace: header.workspace,
    model: header.model,
    messages: countMessages(messages),
    firstRequest: first?.content ?? undefined,
    ...(header.resumedFrom ? { resumedFrom: header.resumedFrom } : {}),
    ...(header.worktree ? { worktree: header.worktree } : {}),
    file,
  };
}

function fileOf(dir: string, id: string): string {
  return path.join(dir, id + SESSION_FILE_EXTENSION);
}
