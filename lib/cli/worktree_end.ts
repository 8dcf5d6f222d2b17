/**
 * What becomes of a worktree session's branch when the session ends: asked at
 * a terminal (`Merge into BRANCH / keep the branch / discard?`), kept
 * elsewhere with the commands that merge, apply or discard it later. A session
 * that changed nothing leaves nothing behind.
 *
 * @module
 */

import { counted } from "./counted.ts";
import { BETWEEN_STEPS, currentBranch, type SessionWorktree } from "../worktree/mod.ts";
import { mergeSession } from "./worktree_command.ts";

/** How the end of a session talks to the user. */
export interface WorktreeEndIo {
  /** A line of information. */
  info(message: string): void;
  /** An error, shown as such. */
  error(error: Error): void;
  /**
   * At a terminal: asks a question (undefined when the user gives no answer, Ctrl-D), and
   * writes the merge's own lines, as `pygent merge` does.
   */
  terminal?: {
    ask(question: string): Promise<string | undefined>;
    out(text: string): void;
    err(text: string): void;
  };
}

/** What the user chose at the end. */
type Choice = "merge" | "keep" | "discard";

const ANSWERS = new Map<string, Choice>([
  ["m", "merge"],
  ["merge", "merge"],
  ["k", "keep"],
  ["keep", "keep"],
  ["d", "discard"],
  ["discard", "discard"],
]);

/**
 * Ends a worktree session: checkpoints what the worktree holds, then removes branch and
 * worktree when the session changed nothing; otherwise asks (at a terminal) whether to merge,
 * keep or discard, and keeps the branch when no one can answer. Never throws: a failure is
 * said, and the branch is kept.
 *
 * @example
 * ```ts ignore
 * await endWorktreeSession(agent.worktree!, { info: console.log, error: console.error });
 * ```
 */
export async function endWorktreeSession(
  worktree: SessionWorktree,
  io: WorktreeEndIo,
): Promise<void> {
  try {
    await worktree.checkpoint(BETWEEN_STEPS);
    const checkpoints = (await worktree.checkpoints()).length;
    if (checkpoints === 0) {
      await worktree.discard();
      io.info(`The session changed no file: its branch ${worktree.branch} was removed.`);
      return;
    }
    const into = await currentBranch(worktree.repository);
    const terminal = io.terminal;
    const choice = terminal ? await ask(terminal.ask, into) : "keep";
    if (choice === "merge" && terminal) {
      if (await mergeSession(worktree, terminal) !== 0) io.info(keptText(worktree, into));
      return;
    }
    if (choice === "discard") {
      await worktree.discard();
      io.info(`Discarded ${worktree.branch}: its worktree and branch were removed.`);
      return;
    }
    io.info(keptText(worktree, into, checkpoints));
  } catch (error) {
    io.error(error instanceof Error ? error : new Error(String(error)));
    io.info(keptText(worktree, undefined));
  }
}

async function ask(
  question: (text: string) => Promise<string | undefined>,
  into: string | undefined,
): Promise<Choice> {
  const target = into ?? "your branch";
  while (true) {
    const answer = await question(
      `Merge into ${target} / keep the branch / discard? [m]erge / [k]eep / [d]iscard `,
    );
    if (answer === undefined) return "keep";
    const choice = ANSWERS.get(answer.trim().toLowerCase());
    if (choice) return choice;
  }
}

/**
 * What was kept, and the commands that deal with it later.
 *
 * @example
 * ```ts ignore
 * console.error(keptText(agent.worktree!, "main", 2));
 * ```
 */
export function keptText(
  worktree: SessionWorktree,
  into: string | undefined,
  checkpoints?: number,
): string {
  const count = checkpoints === undefined ? "" : ` (${counted(checkpoints, "checkpoint")})`;
  const id = worktree.id;
  return [
    `Kept the branch ${worktree.branch}${count}, checked out in ${worktree.path}.`,
    `  pygent diff ${id}      review the changes`,
    `  pygent merge ${id}     merge them into ${into ?? "your current branch"}`,
    `  pygent apply ${id}     take them as uncommitted changes`,
    `  pygent discard ${id}   remove the branch and its worktree`,
  ].join("\n");
}
