/**
 * `pygent diff ID`, `pygent merge ID`, `pygent apply ID`, `pygent discard ID`:
 * what a `--worktree` session did, kept or dropped. ID is the session's id or
 * a unique prefix of it; the session store says which repository, branch and
 * worktree it has, and a branch `pygent/ID` of the current folder's repository
 * is found too (a session whose file was removed).
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { chooseSandbox, reapStaleContainers } from "../runtime/mod.ts";
import {
  listSessions,
  SessionError,
  sessionsDir,
  type SessionWorktreeInfo,
} from "../sessions/mod.ts";
import {
  BETWEEN_STEPS,
  BRANCH_PREFIX,
  type BranchStates,
  branchStates,
  currentBranch,
  findRepository,
  GitCommandError,
  lockSession,
  MergeStoppedError,
  type Repository,
  SessionWorktree,
  unlockSession,
  WorktreeError,
  worktreePath,
  WorktreeSetupError,
} from "../worktree/mod.ts";
import { parseWorktreeCommandArgs, type WorktreeCommandName } from "./args.ts";
import type { CommandIo } from "./command_io.ts";
import { USAGE_EXIT_CODE, UsageError } from "./errors.ts";
import { counted } from "./counted.ts";
import { reveal } from "./sanitize.ts";
import { colorDiff, diffLines } from "./diff_colors.ts";
import { colorWanted, createStyle } from "./style.ts";

/** The exit code of a git command that failed, or a session that cannot do what was asked. */
const FAILURE_EXIT_CODE = 1;

/** A subcommand's io, and whether its stdout is a terminal (default: `Deno.stdout`'s). */
export interface WorktreeCommandIo extends CommandIo {
  /** True when stdout is a terminal: the diff is then sanitized, and coloured without NO_COLOR. */
  stdoutIsTerminal?: boolean;
}

/**
 * Runs `pygent diff ID`: the session's whole diff against the commit it started from, and
 * nothing else, on stdout (to pipe to `git apply`). On a terminal, control characters in it are
 * shown as visible escapes and it is coloured (not with `NO_COLOR`). Resolves to the exit code:
 * 0, 1 when git failed, 2 for a bad argument or an id that names no session (or several).
 *
 * @example
 * ```ts ignore
 * import { runDiffCommand } from "./worktree_command.ts";
 * const code = await runDiffCommand(["20261202-10"], {
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * });
 * ```
 */
export function runDiffCommand(argv: string[], io: WorktreeCommandIo): Promise<number> {
  return runOnSession("diff", argv, io, async (worktree) => {
    const terminal = io.stdoutIsTerminal ?? Deno.stdout.isTerminal();
    const diff = await worktree.diff({ color: false });
    if (diff === "") {
      io.err(reveal(`Session ${worktree.id} changed no file (${worktree.branch}).`) + "\n");
      return 0;
    }
    io.out(
      terminal
        ? colorDiff(
          diffLines(diff),
          createStyle(colorWanted({ isTerminal: () => true }, io.getEnv)),
        )
          .map((line) => line + "\n").join("")
        : diff + "\n",
    );
    return 0;
  });
}

/**
 * Runs `pygent merge ID`: merges the session's branch into the branch the checkout is on, with
 * history (`git merge --no-ff`), then removes its worktree folder (the branch stays, and
 * `pygent sessions` shows it merged). A conflict, or a checkout whose uncommitted changes are
 * in the way, stops with git's message and the checkout as git leaves it: exit 1.
 *
 * @example
 * ```ts ignore
 * import { runMergeCommand } from "./worktree_command.ts";
 * const code = await runMergeCommand(["20261202-10"], {
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * });
 * ```
 */
export function runMergeCommand(argv: string[], io: CommandIo): Promise<number> {
  return runOnSession("merge", argv, io, (worktree) => mergeSession(worktree, io));
}

/**
 * Merges a session's branch into the checkout's current branch and removes its worktree, saying
 * what it did on `io.out`, or on `io.err` what git said and what to do; resolves to the exit
 * code (0, or 1 when git failed). `pygent merge ID` and the end of an interactive session.
 *
 * @example
 * ```ts ignore
 * import { mergeSession } from "./worktree_command.ts";
 * const code = await mergeSession(agent.worktree!, { out: console.log, err: console.error });
 * ```
 */
export async function mergeSession(
  worktree: SessionWorktree,
  io: Pick<CommandIo, "out" | "err">,
): Promise<number> {
  await worktree.checkpoint(BETWEEN_STEPS);
  const into = await currentBranch(worktree.repository);
  if (into && await worktree.merged()) {
    const removed = worktree.checkedOut ? ` Removed its worktree ${worktree.path}.` : "";
    await worktree.removeWorktree();
    io.out(
      reveal(`${worktree.branch} is already merged into ${into}; nothing to merge.${removed}`) +
        "\n",
    );
    return 0;
  }
  try {
    await worktree.merge();
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    failed(io, gitSaid(error), mergeAdvice(worktree, error));
    return FAILURE_EXIT_CODE;
  }
  const count = (await worktree.checkpoints()).length;
  const merged = `Merged ${worktree.branch} into ${into} of ${worktree.repository.root} ` +
    `(${counted(count, "checkpoint")}).`;
  if (!worktree.checkedOut) {
    io.out(reveal(merged) + "\n");
    return 0;
  }
  try {
    await worktree.removeWorktree();
  } catch (error) {
    if (!(error instanceof GitCommandError)) throw error;
    io.out(reveal(merged) + "\n");
    failed(
      io,
      gitSaid(error),
      `The merge is done, but the worktree ${worktree.path} could not be removed; ` +
        `pygent discard ${worktree.id} removes it with the branch.`,
    );
    return FAILURE_EXIT_CODE;
  }
  io.out(
    reveal(`${merged} Removed its worktree ${worktree.path}; the branch stays.`) + "\n",
  );
  return 0;
}

/**
 * Runs `pygent apply ID`: the session's changes as uncommitted changes in the checkout, all or
 * nothing; prints the files. The branch and the worktree stay (`pygent discard ID` removes
 * them). When a change does not apply: git's message, nothing changed, exit 1.
 *
 * @example
 * ```ts ignore
 * import { runApplyCommand } from "./worktree_command.ts";
 * const code = await runApplyCommand(["20261202-10"], {
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * });
 * ```
 */
export function runApplyCommand(argv: string[], io: CommandIo): Promise<number> {
  return runOnSession("apply", argv, io, async (worktree) => {
    let files: string[];
    try {
      files = await worktree.apply();
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      failed(io, gitSaid(error), "Nothing was changed in your checkout.");
      return FAILURE_EXIT_CODE;
    }
    const root = worktree.repository.root;
    const kept = worktree.checkedOut
      ? `The branch ${worktree.branch} and its worktree ${worktree.path} stay`
      : `The branch ${worktree.branch} stays`;
    io.out(
      [
        `Applied ${worktree.branch} to ${root} as uncommitted changes ` +
        `(${counted(files.length, "file")}):`,
        ...files.map((file) => `  ${file}`),
        `${kept}; pygent discard ${worktree.id} removes them.`,
      ].map(reveal).join("\n") + "\n",
    );
    return 0;
  });
}

/**
 * Runs `pygent discard ID`: removes the session's worktree and its branch, and says what it
 * removed.
 *
 * @example
 * ```ts ignore
 * import { runDiscardCommand } from "./worktree_command.ts";
 * const code = await runDiscardCommand(["20261202-10"], {
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * });
 * ```
 */
export function runDiscardCommand(argv: string[], io: CommandIo): Promise<number> {
  return runOnSession("discard", argv, io, async (worktree) => {
    const count = (await worktree.checkpoints()).length;
    const checkedOut = worktree.checkedOut;
    await worktree.discard();
    const what = checkedOut
      ? `its worktree ${worktree.path} and its branch ${worktree.branch}`
      : `its branch ${worktree.branch} (its worktree was removed already)`;
    io.out(
      reveal(
        `Discarded session ${worktree.id}: removed ${what}, with ` +
          `${counted(count, "checkpoint")}.`,
      ) + "\n",
    );
    return 0;
  });
}

/** Where a session's work is: its repository, the id its branch is named after, its folder. */
interface Target {
  repository: string;
  id: string;
  path: string;
}

/**
 * Parses the id, finds the session's branch and runs `action` on it; turns what can go wrong
 * into a message on stderr and an exit code.
 */
async function runOnSession(
  name: WorktreeCommandName,
  argv: string[],
  io: CommandIo,
  action: (worktree: SessionWorktree) => Promise<number>,
): Promise<number> {
  try {
    const parsed = parseWorktreeCommandArgs(name, argv);
    if (parsed.kind === "print") {
      io.out(parsed.text);
      return 0;
    }
    const target = await resolveTarget(parsed.args.id, io);
    await removeOrphans(io.getEnv);
    await lockSession(target.path, target.id);
    try {
      const repository = await targetRepository(target);
      const worktree = await SessionWorktree.open(repository, target.id, target.path);
      return await action(worktree);
    } finally {
      unlockSession(target.path);
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      failed(io, error.message);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof SessionError) {
      failed(io, error.message);
      return USAGE_EXIT_CODE;
    }
    if (error instanceof WorktreeError || error instanceof GitCommandError) {
      failed(io, error.message);
      return FAILURE_EXIT_CODE;
    }
    throw error;
  }
}

/**
 * The session `ref` names: from the session store first (a session whose id, or whose branch's
 * id, starts with `ref`), else a branch `pygent/REF…` of the current folder's repository.
 *
 * @throws {UsageError} When none, or several, match.
 */
async function resolveTarget(ref: string, io: CommandIo): Promise<Target> {
  const stored = await storedSessions(io);
  const byBranch = new Map<string, Target>();
  for (const { id, worktree } of stored) {
    const branchId = worktree.branch.slice(BRANCH_PREFIX.length);
    if (!id.startsWith(ref) && !branchId.startsWith(ref)) continue;
    const key = `${worktree.repository}\0${worktree.branch}`;
    // Newest first: a resumed session's header says where the branch is checked out now.
    if (!byBranch.has(key)) {
      byBranch.set(key, { repository: worktree.repository, id: branchId, path: worktree.path });
    }
  }
  const matches = [...byBranch.values()];
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    // A discarded session's id still matches; the one whose branch is there is meant.
    const there = await withBranches(matches);
    if (there.length === 1) return there[0];
    throw ambiguous(ref, there.length > 0 ? there : matches);
  }

  let repository: Repository;
  try {
    repository = await findRepository(io.cwd);
  } catch (error) {
    if (!(error instanceof WorktreeSetupError)) throw error;
    throw new UsageError(
      `No worktree session matches ${ref}; pygent sessions lists them. (${io.cwd} is not in a ` +
        `git repository, so no branch ${BRANCH_PREFIX}${ref}… was looked for there.)`,
      { cause: error },
    );
  }
  const branches = await repository.git.text([
    "for-each-ref",
    "--format=%(refname)",
    `refs/heads/${BRANCH_PREFIX}`,
  ]);
  const found = branches.split("\n")
    .map((refname) => refname.slice(`refs/heads/${BRANCH_PREFIX}`.length))
    .filter((id) => id !== "" && id.startsWith(ref))
    .map((id) => ({ repository: repository.root, id, path: worktreePath(id, io.getEnv, io.os) }));
  if (found.length === 1) return found[0];
  if (found.length > 1) throw ambiguous(ref, found);
  throw new UsageError(`No worktree session matches ${ref}; pygent sessions lists them.`);
}

/** The store's worktree sessions, newest first; none when the store has no place (no HOME). */
async function storedSessions(
  io: CommandIo,
): Promise<{ id: string; worktree: SessionWorktreeInfo }[]> {
  let dir: string;
  try {
    dir = sessionsDir(io.getEnv, io.os);
  } catch (error) {
    if (error instanceof SessionError) return [];
    throw error;
  }
  return (await listSessions(dir)).flatMap(({ id, worktree }) =>
    worktree ? [{ id, worktree }] : []
  );
}

/**
 * Removes the containers of pygents that ended without removing them (killed outright): one
 * could still write the worktree while git works on it. Nothing when no engine answers.
 */
async function removeOrphans(getEnv: (name: string) => string | undefined): Promise<void> {
  const choice = await chooseSandbox({ docker: true, getEnv }).catch(() => undefined);
  if (choice?.kind !== "docker") return;
  try {
    await reapStaleContainers(choice.client).catch(() => 0);
  } finally {
    choice.client.close();
  }
}

/** The targets whose branch is still in their repository. */
async function withBranches(targets: Target[]): Promise<Target[]> {
  const states = new Map<string, Promise<BranchStates | undefined>>();
  for (const { repository } of targets) {
    if (!states.has(repository)) states.set(repository, branchStates(repository));
  }
  const there = await Promise.all(targets.map(async (target) => {
    const repository = await states.get(target.repository);
    return repository?.of(BRANCH_PREFIX + target.id) !== "discarded";
  }));
  return targets.filter((_, i) => there[i]);
}

function ambiguous(ref: string, matches: Target[]): UsageError {
  const shown = matches.slice(0, 5).map((match) =>
    `${BRANCH_PREFIX}${match.id} in ${match.repository}`
  );
  return new UsageError(
    `${ref} names ${matches.length} worktree sessions: ${shown.join(", ")}` +
      `${matches.length > 5 ? ", …" : ""}; give more of the id.`,
  );
}

/** The repository a session's branch is in. */
async function targetRepository(target: Target): Promise<Repository> {
  try {
    return await findRepository(target.repository);
  } catch (error) {
    if (!(error instanceof WorktreeSetupError)) throw error;
    throw new WorktreeSetupError(
      `The repository of session ${target.id}, ${target.repository}, is not there any more ` +
        `(or is no longer a git repository); its branch ${BRANCH_PREFIX}${target.id} was in it.`,
      { cause: error },
    );
  }
}

/** `git COMMAND failed:` and what git printed. */
function gitSaid(error: GitCommandError): string {
  return error.output ? `git ${error.command} failed:\n${error.output}` : error.message;
}

/** What to do after `git merge` failed, by what git said. */
function mergeAdvice(worktree: SessionWorktree, error: GitCommandError): string {
  const kept = `the branch ${worktree.branch} is kept`;
  const output = error.output;
  if (/^CONFLICT/m.test(output) || /Automatic merge failed/.test(output)) {
    const carried = error instanceof MergeStoppedError
      ? ` Your uncommitted changes to ${error.carried.join(", ")} are part of this merge; ` +
        `after git merge --abort, get them back with: ${error.restoreCommand}`
      : "";
    return `Resolve the conflicts and commit (or git merge --abort); ${kept}, and ` +
      `pygent merge ${worktree.id} again then removes its worktree.${carried}`;
  }
  if (
    /would be overwritten by merge|commit your changes or stash them|untracked working tree files/i
      .test(output)
  ) {
    return `Your checkout has uncommitted changes in the way (made since the session began, or ` +
      `staged): commit or stash them first; or run pygent apply ${worktree.id} to get only the ` +
      "session's changes as uncommitted changes, which works where they and yours do not " +
      `touch the same lines. Nothing was merged; ${kept}.`;
  }
  return `Nothing was merged; ${kept}.`;
}

/** Writes `pygent: TEXT` on stderr, then `advice`, one revealed line at a time (tabs kept). */
function failed(io: Pick<CommandIo, "err">, text: string, advice?: string): void {
  const lines = [...text.split("\n"), ...(advice === undefined ? [] : [advice])];
  io.err(`pygent: ${lines.map(revealLine).join("\n")}\n`);
}

/** One line of git's output with its control characters as visible escapes, tabs kept. */
function revealLine(line: string): string {
  return line.split("\t").map(reveal).join("\t");
}
