/**
 * What can go wrong with a session's worktree: no repository, no `git`, a git
 * command that failed (its own message kept), a session no id names.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";

/**
 * `--worktree` cannot be used here: the folder is not in a git repository, the repository has
 * no commit yet, or no `git` runs on the host. A setting problem: the command line exits 2.
 *
 * @example
 * ```ts
 * import { WorktreeSetupError } from "./errors.ts";
 * const error = new WorktreeSetupError("--worktree needs a git repository: /tmp is not one.");
 * console.log(error instanceof Error); // true
 * ```
 */
export class WorktreeSetupError extends ConfigError {
  /** Creates a `WorktreeSetupError`; the message says what to do. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WorktreeSetupError";
  }
}

/**
 * A git command Pygent ran failed. The message is git's own (what it printed), after a line
 * naming what Pygent was doing.
 *
 * @example
 * ```ts
 * import { GitCommandError } from "./errors.ts";
 * const error = new GitCommandError("merge", 1, "CONFLICT (content): Merge conflict in a.txt");
 * console.log(error.exitCode); // 1
 * ```
 */
export class GitCommandError extends Error {
  /** The git subcommand (`merge`, `apply`…). */
  readonly command: string;
  /** git's exit code. */
  readonly exitCode: number;
  /** What git printed (stdout then stderr), trimmed. */
  readonly output: string;

  /** Creates a `GitCommandError` for `git COMMAND` that exited with `exitCode`. */
  constructor(command: string, exitCode: number, output: string, options?: ErrorOptions) {
    super(`git ${command} failed (exit code ${exitCode})${output ? `:\n${output}` : "."}`, options);
    this.name = "GitCommandError";
    this.command = command;
    this.exitCode = exitCode;
    this.output = output;
  }
}

/**
 * A merge that began and stopped (a conflict) after the uncommitted changes carried into the
 * session were set aside in the checkout: they are part of the merge, and `git merge --abort`
 * would drop them from the checkout. `files` come back with
 * `git restore --source=COMMIT -- FILES`.
 *
 * @example
 * ```ts ignore
 * } catch (error) {
 *   if (error instanceof MergeStoppedError) console.log(error.restoreCommand);
 * }
 * ```
 */
export class MergeStoppedError extends GitCommandError {
  /** The carried files the checkout held, now part of the merge. */
  readonly carried: readonly string[];
  /** The commit that holds them as they were. */
  readonly commit: string;

  /** Wraps the merge's `GitCommandError`. */
  constructor(merge: GitCommandError, carried: readonly string[], commit: string) {
    super(merge.command, merge.exitCode, merge.output, { cause: merge });
    this.name = "MergeStoppedError";
    this.carried = carried;
    this.commit = commit;
  }

  /** The command that puts the carried files back in the checkout, uncommitted. */
  get restoreCommand(): string {
    // Literal pathspecs: a name with * or ? names that file alone.
    const files = this.carried.map((file) => `':(literal)${file.replaceAll("'", `'\\''`)}'`);
    return `git restore --source=${this.commit} -- ${files.join(" ")}`;
  }
}

/**
 * A worktree session cannot do what was asked: no session by that id, a branch that was
 * discarded, a checkout on no branch, a session still running.
 *
 * @example
 * ```ts
 * import { WorktreeError } from "./errors.ts";
 * throw new WorktreeError("No worktree session matches 2026; `pygent sessions` lists them.");
 * ```
 */
export class WorktreeError extends Error {
  /** Creates a `WorktreeError`; the message says what to do. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WorktreeError";
  }
}
