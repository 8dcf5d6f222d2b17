/**
 * The session file: JSON Lines, one object a line. The first line is the
 * header; each line after it is a message of the conversation as it completed,
 * or a `reset` (the user started a new conversation: what came before is no
 * longer part of it).
 *
 * ```text
 * {"type":"header","format":"pygent-session","version":1,"id":"20261201-183012-a1b2",...}
 * {"type":"message","at":"2026-12-01T18:30:13.000Z","message":{"role":"system","content":"..."}}
 * {"type":"message","at":"2026-12-01T18:30:13.000Z","message":{"role":"user","content":"..."}}
 * {"type":"reset","at":"2026-12-01T18:31:00.000Z"}
 * ```
 *
 * Reading repairs what a killed process leaves: a last line cut in the middle is dropped, and a
 * tool call with no result gets one saying the session ended there, so the conversation is one
 * the model accepts again.
 *
 * @module
 */

import { type ChatMessage, historyProblem } from "../agent/history.ts";
import { SessionFileError } from "./errors.ts";

/** The `format` of the header. */
export const SESSION_FORMAT = "pygent-session";
/** The version of the format this code writes and reads. */
export const SESSION_FORMAT_VERSION = 1;

/** What the first line says about the session. */
export interface SessionHeader {
  type: "header";
  format: typeof SESSION_FORMAT;
  version: typeof SESSION_FORMAT_VERSION;
  /** The session's id (also the file's name). */
  id: string;
  /** When it started (ISO 8601). */
  started: string;
  /** Pygent's version. */
  pygent: string;
  /** The model's name. */
  model: string;
  /** The workspace's real path; null for a temporary one (removed at the end). */
  workspace: string | null;
  /** Where commands ran: a container of `image`, or the host. */
  sandbox: { kind: "docker"; image: string } | { kind: "host" };
  /** The session this one continues, when it was resumed. */
  resumedFrom?: string;
  /** With `--worktree`: the branch the session works on, and where it is checked out. */
  worktree?: SessionWorktreeInfo;
}

/** Where a worktree session's work is. */
export interface SessionWorktreeInfo {
  /** The user's checkout the branch was made from. */
  repository: string;
  /** The branch, `pygent/ID` (ID: the session that made it; a resumed one keeps it). */
  branch: string;
  /** The worktree's folder. */
  path: string;
}

/** One line after the header. */
export type SessionLine =
  | { type: "message"; at: string; message: ChatMessage }
  | { type: "reset"; at: string };

/** A session file, read and repaired. */
export interface SessionRecord {
  header: SessionHeader;
  /** The conversation since the last reset, valid for the model. */
  messages: ChatMessage[];
  /** The tool calls that got a result saying the session ended there. */
  repaired: number;
}

/** The result given to a tool call whose session ended before it had one. */
export const ENDED_RESULT =
  "Error: the session ended here, before this call finished (pygent was stopped); " +
  "it may have run in part.";

/**
 * Reads a session file's text.
 *
 * @param file The file's path, for messages.
 * @throws {SessionFileError} When the header is missing or a line before the last is not JSON.
 *
 * @example
 * ```ts
 * import { readSessionText } from "./session_file.ts";
 * const header = { type: "header", format: "pygent-session", version: 1, id: "x", started: "",
 *   pygent: "0", model: "m", workspace: null, sandbox: { kind: "host" } };
 * const call = { id: "c1", type: "function", function: { name: "bash", arguments: "{}" } };
 * const text = [header, { type: "message", at: "", message: { role: "user", content: "hi" } },
 *   { type: "message", at: "", message: { role: "assistant", content: null, tool_calls: [call] } }]
 *   .map((line) => JSON.stringify(line)).join("\n") + "\n";
 * console.log(readSessionText(text, "x.jsonl").messages.at(-1)); // a tool result for c1
 * ```
 */
export function readSessionText(text: string, file: string): SessionRecord {
  const rows = text.split("\n");
  // Every complete line ends with a newline: what follows the last one is either nothing or a
  // line cut by a kill, which never completed.
  rows.pop();
  const parsed: unknown[] = [];
  for (const [index, row] of rows.entries()) {
    if (row.trim() === "") continue;
    try {
      parsed.push(JSON.parse(row));
    } catch (cause) {
      throw new SessionFileError(file, `line ${index + 1} is not JSON`, { cause });
    }
  }
  const [header, ...lines] = parsed;
  if (!isHeader(header)) {
    throw new SessionFileError(file, "its first line is not a pygent session header");
  }
  let messages: ChatMessage[] = [];
  for (const [index, line] of lines.entries()) {
    if (!isRecord(line)) throw new SessionFileError(file, `line ${index + 2} is not an object`);
    if (line.type === "reset") messages = [];
    else if (line.type === "message") messages.push(line.message as ChatMessage);
    else throw new SessionFileError(file, `line ${index + 2} has an unknown type`);
  }
  const { messages: repairedMessages, repaired } = repairHistory(messages);
  const problem = historyProblem(repairedMessages);
  if (problem !== undefined) throw new SessionFileError(file, problem);
  return { header, messages: repairedMessages, repaired };
}

/**
 * Gives every tool call that has no result one ({@linkcode ENDED_RESULT}), right after the
 * results it has, so the conversation is valid again.
 *
 * @example
 * ```ts
 * import { repairHistory } from "./session_file.ts";
 * const call = { id: "c1", type: "function" as const, function: { name: "bash", arguments: "{}" } };
 * const { repaired } = repairHistory([{ role: "assistant", content: null, tool_calls: [call] }]);
 * console.log(repaired); // 1
 * ```
 */
export function repairHistory(
  messages: readonly ChatMessage[],
): { messages: ChatMessage[]; repaired: number } {
  const out: ChatMessage[] = [];
  let open: string[] = [];
  let repaired = 0;
  const close = () => {
    for (const id of open) out.push({ role: "tool", tool_call_id: id, content: ENDED_RESULT });
    repaired += open.length;
    open = [];
  };
  for (const message of messages) {
    if (message?.role === "tool") {
      open = open.filter((id) => id !== message.tool_call_id);
      out.push(message);
      continue;
    }
    close();
    out.push(message);
    if (message?.role === "assistant" && Array.isArray(message.tool_calls)) {
      open = message.tool_calls.map((call) => call?.id).filter((id) => typeof id === "string");
    }
  }
  close();
  return { messages: out, repaired };
}

function isHeader(value: unknown): value is SessionHeader {
  return isRecord(value) && value.type === "header" && value.format === SESSION_FORMAT &&
    value.version === SESSION_FORMAT_VERSION && typeof value.id === "string" &&
    typeof value.started === "string" && typeof value.model === "string" &&
    (typeof value.workspace === "string" || value.workspace === null) && isRecord(value.sandbox) &&
    (value.worktree === undefined || isWorktreeInfo(value.worktree));
}

function isWorktreeInfo(value: unknown): value is SessionWorktreeInfo {
  return isRecord(value) && typeof value.repository === "string" &&
    typeof value.branch === "string" && typeof value.path === "string";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
