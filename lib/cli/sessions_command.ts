/**
 * `pygent sessions [--json]`: the kept sessions, newest first (id, when, workspace, messages,
 * first request, and for a `--worktree` session its branch and whether it was merged);
 * `pygent sessions rm ID…`: removes sessions, each named by a unique prefix of its id.
 *
 * @module
 */

import { listSessions, removeSession, SessionError, sessionsDir } from "../sessions/mod.ts";
import type { SessionSummary, SessionWorktreeInfo } from "../sessions/mod.ts";
import {
  type BranchState as BranchStateName,
  type BranchStates,
  branchStates,
} from "../worktree/mod.ts";
import { parseSessionsArgs } from "./args.ts";
import type { CommandIo } from "./command_io.ts";
import { USAGE_EXIT_CODE, UsageError } from "./errors.ts";
import { counted } from "./counted.ts";
import { reveal, safeJson } from "./sanitize.ts";

/** Characters of the first request shown in the list. */
const REQUEST_WIDTH = 60;

/**
 * Runs `pygent sessions` with the arguments after `sessions`; resolves to the exit code (0, or
 * 2 for a bad argument or a session that no id names).
 *
 * @example
 * ```ts ignore
 * import { runSessionsCommand } from "./sessions_command.ts";
 * const code = await runSessionsCommand(["--json"], {
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * });
 * ```
 */
export async function runSessionsCommand(argv: string[], io: CommandIo): Promise<number> {
  try {
    const parsed = parseSessionsArgs(argv);
    if (parsed.kind === "print") {
      io.out(parsed.text);
      return 0;
    }
    const dir = sessionsDir(io.getEnv, io.os);
    const args = parsed.args;
    if (args.kind === "rm") {
      for (const ref of args.ids) {
        io.out(reveal(`Removed session ${await removeSession(dir, ref)}.`) + "\n");
      }
      return 0;
    }
    const sessions = await listSessions(dir);
    const worktrees = sessions.map((session) => session.worktree);
    const states = await worktreeStates(worktrees);
    if (args.json) {
      const rows = sessions.map(({ firstRequest, ...rest }, i) => ({
        ...rest,
        firstRequest: firstRequest ?? null,
        worktree: worktrees[i] ? { ...worktrees[i], state: states[i]!.state } : null,
      }));
      io.out(safeJson({ dir, sessions: rows }) + "\n");
      return 0;
    }
    if (sessions.length === 0) {
      io.out(reveal(`No session is kept in ${dir}.`) + "\n");
      return 0;
    }
    io.out(sessions.map((session, i) => row(session, worktrees[i], states[i])).join("\n") + "\n");
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof SessionError)) throw error;
    io.err(`pygent: ${reveal(error.message)}\n`);
    return USAGE_EXIT_CODE;
  }
}

/**
 * One session on one line: id, when, messages, workspace, its worktree's branch and state,
 * first request.
 */
function row(
  session: SessionSummary,
  worktree: SessionWorktreeInfo | undefined,
  state: BranchState | undefined,
): string {
  const messages = counted(session.messages, "message").padEnd(12);
  const workspace = session.workspace ?? "(temporary)";
  const branch = worktree && state ? `  ${worktree.branch} ${stateText(state)}` : "";
  const request = session.firstRequest === undefined ? "" : `  ${oneLine(session.firstRequest)}`;
  return reveal(
    `${session.id}  ${when(session.started)}  ${messages}  ${workspace}${branch}${request}`,
  );
}

/** A worktree session's branch: where it stands, or `unknown` (its repository cannot be read). */
interface BranchState {
  state: BranchStateName | "unknown";
  /** The checkout's current branch (undefined on a detached HEAD). */
  into?: string;
}

function stateText({ state, into }: BranchState): string {
  switch (state) {
    case "merged":
      return `merged into ${into ?? "HEAD"}`;
    case "unmerged":
      return "not merged";
    case "discarded":
      return "discarded";
    case "unchanged":
      return "no changes";
    case "unknown":
      return "(repository not readable)";
  }
}

/**
 * The state of each session's branch (undefined for a session with no worktree); each
 * repository is read once, whatever its number of sessions.
 */
async function worktreeStates(
  worktrees: readonly (SessionWorktreeInfo | undefined)[],
): Promise<(BranchState | undefined)[]> {
  const repositories = new Map<string, Promise<BranchStates | undefined>>();
  for (const worktree of worktrees) {
    if (worktree && !repositories.has(worktree.repository)) {
      repositories.set(worktree.repository, branchStates(worktree.repository));
    }
  }
  return await Promise.all(worktrees.map(async (worktree) => {
    if (!worktree) return undefined;
    const states = await repositories.get(worktree.repository);
    if (!states) return { state: "unknown" as const };
    return { state: states.of(worktree.branch), into: states.current };
  }));
}

/** A start time as local `YYYY-MM-DD HH:MM`. */
function when(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** The request's first line, cut to {@linkcode REQUEST_WIDTH} characters. */
function oneLine(text: string): string {
  const lines = text.trim().split("\n");
  const first = lines[0].trim();
  const cut = [...first].length > REQUEST_WIDTH
    ? [...first].slice(0, REQUEST_WIDTH - 1).join("") + "…"
    : first + (lines.length > 1 ? " …" : "");
  return JSON.stringify(cut);
}
