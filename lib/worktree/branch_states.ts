/**
 * Where the session branches of one repository stand, for `pygent sessions`:
 * read in three git commands however many sessions there are.
 *
 * @module
 */

import { BASE_REF_PREFIX, BRANCH_PREFIX } from "./session_worktree.ts";
import { Git } from "./git.ts";

/**
 * Where a session's branch is: `merged` into the checkout's current branch, `unmerged`,
 * `discarded` (the branch is gone), or `unchanged` (its files are those it started from).
 */
export type BranchState = "merged" | "unmerged" | "discarded" | "unchanged";

/** The session branches of one repository. */
export interface BranchStates {
  /** The checkout's current branch; undefined on a detached `HEAD`. */
  readonly current: string | undefined;
  /** The state of `branch` (`pygent/ID`). */
  of(branch: string): BranchState;
}

/**
 * Reads where the session branches of the repository at `root` stand; undefined when it is
 * not there, or not a repository any more.
 *
 * @example
 * ```ts ignore
 * import { branchStates } from "./branch_states.ts";
 * const states = await branchStates("/home/me/app");
 * console.log(states?.of("pygent/20261202-091500-1a4e")); // "merged"
 * ```
 */
export async function branchStates(root: string): Promise<BranchStates | undefined> {
  try {
    if (!(await Deno.stat(root)).isDirectory) return undefined;
    const git = new Git({ cwd: root });
    const branches = `refs/heads/${BRANCH_PREFIX}`;
    const [refs, merged, current] = await Promise.all([
      git.text(["for-each-ref", "--format=%(refname)%00%(tree)", branches, BASE_REF_PREFIX]),
      git.text(["for-each-ref", "--merged=HEAD", "--format=%(refname)", branches])
        .catch(() => ""),
      git.text(["symbolic-ref", "--short", "-q", "HEAD"], { okCodes: [1] }),
    ]);
    const trees = new Map<string, string>();
    for (const line of refs.split("\n")) {
      const [name, tree] = line.split("\0");
      if (tree) trees.set(name, tree);
    }
    const mergedRefs = new Set(merged.split("\n").filter(Boolean));
    return {
      current: current || undefined,
      of(branch) {
        const tip = trees.get(`refs/heads/${branch}`);
        if (tip === undefined) return "discarded";
        if (tip === trees.get(BASE_REF_PREFIX + branch.slice(BRANCH_PREFIX.length))) {
          return "unchanged";
        }
        return mergedRefs.has(`refs/heads/${branch}`) ? "merged" : "unmerged";
      },
    };
  } catch {
    return undefined;
  }
}
