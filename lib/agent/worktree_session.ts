/**
 * The agent's side of `worktree`: makes the session's branch and worktree once,
 * before the sandbox starts, and commits a checkpoint after each step.
 *
 * @module
 */

import {
  type Checkpoint,
  findRepository,
  lockSession,
  SessionWorktree,
  unlockSession,
  worktreePath,
} from "../worktree/mod.ts";
import type { AgentEvent } from "./events.ts";

/** Options of {@linkcode WorktreeSession}. */
export interface WorktreeSessionOptions {
  /** A folder of the user's checkout. */
  source: string;
  /** The session id the branch is named after. */
  id: string;
  /** Reads `XDG_DATA_HOME` and `HOME`, for where worktrees go. */
  getEnv: (name: string) => string | undefined;
  /** Where its `worktree`, `checkpoint` and `notice` events go. */
  emit: (event: AgentEvent) => void;
  /** Runs git's work on the worktree with the sandbox's processes frozen (`Runtime.frozen`). */
  freeze: <T>(work: () => Promise<T>) => Promise<T>;
}

/** A worktree made on first use. */
export class WorktreeSession {
  /** The worktree's folder (known before it is made). */
  readonly path: string;
  readonly #options: WorktreeSessionOptions;
  #ready: Promise<SessionWorktree> | undefined;
  #made: SessionWorktree | undefined;

  /** @throws {WorktreeSetupError} When there is nowhere to put worktrees (no `HOME`). */
  constructor(options: WorktreeSessionOptions) {
    this.#options = options;
    this.path = worktreePath(options.id, options.getEnv);
  }

  /** The worktree, once made. */
  get made(): SessionWorktree | undefined {
    return this.#made;
  }

  /** Lets another pygent work on the worktree again (the session's lock is given back). */
  release(): void {
    if (this.#made) unlockSession(this.#made.path);
  }

  /** Runs `work` on the worktree, once made, with the sandbox frozen. */
  async frozen<T>(work: (worktree: SessionWorktree) => Promise<T>): Promise<T> {
    const worktree = await this.ready();
    return await this.#options.freeze(() => work(worktree));
  }

  /** Makes the branch and worktree (once; a failure is tried again next time). */
  ready(): Promise<SessionWorktree> {
    this.#ready ??= this.#make().catch((error) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /**
   * Commits what the step changed, as a `checkpoint` event; a failure is a notice, and the
   * session goes on (the files stay as they are).
   */
  async checkpoint(message: string): Promise<void> {
    const made = this.#made;
    if (!made) return;
    let checkpoint: Checkpoint | undefined;
    try {
      await this.#options.freeze(async () => {
        checkpoint = await made.checkpoint(message);
      });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.#options.emit({
        type: "notice",
        message: checkpoint
          ? `The step's changes were committed, but: ${why}`
          : `No checkpoint was made of this step's changes (they are kept in the worktree, ` +
            `and go into the next one): ${why}`,
      });
    }
    if (!checkpoint) return;
    const { commit, files } = checkpoint;
    this.#options.emit({ type: "checkpoint", commit, message: checkpoint.message, files });
  }

  async #make(): Promise<SessionWorktree> {
    const repository = await findRepository(this.#options.source);
    const { worktree, start } = await SessionWorktree.start(
      repository,
      this.#options.id,
      this.path,
    );
    await lockSession(worktree.path, worktree.id);
    this.#made = worktree;
    this.#options.emit({
      type: "worktree",
      branch: worktree.branch,
      path: worktree.path,
      repository: repository.root,
      carried: start.carried,
      reattached: start.reattached,
    });
    return worktree;
  }
}
