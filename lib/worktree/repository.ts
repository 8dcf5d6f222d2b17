/**
 * The user's repository, as `--worktree` needs it: found from any folder in
 * it, with a commit to start from.
 *
 * @module
 */

import path from "node:path";
import { GitCommandError, WorktreeSetupError } from "./errors.ts";
import { Git } from "./git.ts";

/** A git repository with a work tree: the user's checkout. */
export interface Repository {
  /** The checkout's top folder. */
  readonly root: string;
  /** The repository's shared git dir (`ROOT/.git` for a plain clone). */
  readonly commonDir: string;
  /** Runs hardened git commands in the checkout. */
  readonly git: Git;
}

/**
 * The repository `dir` is in.
 *
 * @throws {WorktreeSetupError} When `dir` is missing, in no repository (or a bare one), or no
 *   `git` runs on the host.
 *
 * @example
 * ```ts ignore
 * import { findRepository } from "./repository.ts";
 * const repository = await findRepository(Deno.cwd());
 * console.log(repository.root);
 * ```
 */
export async function findRepository(dir: string): Promise<Repository> {
  const folder = path.resolve(dir);
  try {
    if (!(await Deno.stat(folder)).isDirectory) throw new Deno.errors.NotADirectory();
  } catch (cause) {
    throw new WorktreeSetupError(
      `--worktree needs a git repository: ${folder} is not a folder.`,
      { cause },
    );
  }
  const git = new Git({ cwd: folder });
  let lines: string[];
  try {
    lines = (await git.text(["rev-parse", "--show-toplevel", "--git-common-dir"])).split("\n");
  } catch (cause) {
    if (!(cause instanceof GitCommandError)) throw cause;
    throw new WorktreeSetupError(
      `--worktree needs a git repository: ${folder} is not one (git init makes one).`,
      { cause },
    );
  }
  const [root, commonDir] = lines;
  return {
    root,
    commonDir: path.resolve(folder, commonDir),
    git: new Git({ cwd: root }),
  };
}

/**
 * The commit the checkout is on.
 *
 * @throws {WorktreeSetupError} When the repository has no commit yet.
 */
export async function headCommit(repository: Repository): Promise<string> {
  const head = await repository.git.text(["rev-parse", "--verify", "-q", "HEAD^{commit}"], {
    okCodes: [1],
  });
  if (head) return head;
  throw new WorktreeSetupError(
    `--worktree needs a commit to start from, and ${repository.root} has none yet: commit ` +
      "once (git commit), then start again.",
  );
}

/**
 * The branch the checkout is on (`main`), or undefined on a detached `HEAD`.
 *
 * @example
 * ```ts ignore
 * import { currentBranch, findRepository } from "./repository.ts";
 * console.log(await currentBranch(await findRepository(Deno.cwd()))); // "main"
 * ```
 */
export async function currentBranch(repository: Repository): Promise<string | undefined> {
  const name = await repository.git.text(["symbolic-ref", "--short", "-q", "HEAD"], {
    okCodes: [1],
  });
  return name || undefined;
}
