/**
 * The `worktree` check: with `worktree` on, that the host has git and the workspace (or the
 * current folder) is in a repository with a commit to start a branch from; with it off, that
 * sessions work in the folder itself.
 *
 * @module
 */

import { currentBranch, findRepository, headCommit, WorktreeSetupError } from "../worktree/mod.ts";
import type { CheckOutcome } from "./check.ts";

/** What {@linkcode checkWorktree} needs. */
export interface WorktreeCheckInput {
  /** The `worktree` setting. */
  enabled: boolean;
  /** The folder a run would start from: the workspace, else the current folder. */
  folder: string;
}

/**
 * Checks what `--worktree` needs.
 *
 * @example
 * ```ts ignore
 * import { checkWorktree } from "./worktree_check.ts";
 * console.log((await checkWorktree({ enabled: true, folder: Deno.cwd() })).summary);
 * ```
 */
export async function checkWorktree(input: WorktreeCheckInput): Promise<CheckOutcome> {
  if (!input.enabled) {
    return {
      status: "ok",
      summary:
        "off: sessions change the workspace folder itself (--worktree puts each on a branch)",
    };
  }
  try {
    const repository = await findRepository(input.folder);
    const head = await headCommit(repository);
    const version = await repository.git.text(["--version"]);
    const branch = await currentBranch(repository) ?? "a detached HEAD";
    return {
      status: "ok",
      summary: `${version}; each session gets a branch pygent/ID of ${repository.root}, made ` +
        `from ${branch} (${head.slice(0, 7)})`,
    };
  } catch (error) {
    if (!(error instanceof WorktreeSetupError)) throw error;
    return {
      status: "fail",
      summary: error.message,
      remediation: "Run pygent in a git repository with a commit (or --workspace DIR of one), " +
        "install git, or turn worktree off (--no-worktree).",
    };
  }
}
