/**
 * A git worktree per session: the session works on its own branch
 * `pygent/ID`, checked out outside the user's folder, with a checkpoint commit
 * after each step that changed files; at the end it is merged, applied or
 * discarded. Runs the host's `git`, hardened so that nothing the sandbox writes
 * is run or read as configuration by it.
 *
 * @example
 * ```ts ignore
 * import { findRepository, SessionWorktree, worktreePath } from "./mod.ts";
 * const getEnv = (name: string) => Deno.env.get(name);
 * const repository = await findRepository(Deno.cwd());
 * const id = "20261202-101500-0a1b";
 * const { worktree } = await SessionWorktree.start(repository, id, worktreePath(id, getEnv));
 * console.log(worktree.branch, await worktree.diff());
 * ```
 *
 * @module
 */

export * from "./branch_states.ts";
export * from "./errors.ts";
export * from "./git.ts";
export * from "./repository.ts";
export * from "./session_lock.ts";
export * from "./session_worktree.ts";
export * from "./worktrees_dir.ts";
