/**
 * A task's own files: a copy of its folder, a clone of its repository at its commit, or an
 * empty folder, beside a git dir of its own OUTSIDE that folder (the sandbox sees only the
 * folder), which holds the starting point the task's diff is taken against.
 *
 * @module
 */

import path from "node:path";
import { Git } from "../worktree/mod.ts";
import { TaskFilesError } from "./errors.ts";
import type { BatchTask } from "./tasks_file.ts";

/** The author of a starting point's commit: no user's config is read for it. */
const AUTHOR = {
  GIT_AUTHOR_NAME: "pygent",
  GIT_AUTHOR_EMAIL: "pygent@localhost",
  GIT_COMMITTER_NAME: "pygent",
  GIT_COMMITTER_EMAIL: "pygent@localhost",
};

/**
 * A task's workspace and its starting point; {@linkcode TaskWorkspace.dispose} removes both.
 *
 * @example
 * ```ts ignore
 * import { TaskWorkspace } from "./task_workspace.ts";
 * await using files = await TaskWorkspace.prepare(task);
 * // … run the task with files.path as its workspace …
 * console.log(await files.diff());
 * ```
 */
export class TaskWorkspace implements AsyncDisposable {
  /** The folder the sandbox works in. */
  readonly path: string;
  readonly #root: string;
  readonly #git: Git;
  readonly #base: string;

  private constructor(root: string, git: Git, base: string) {
    this.#root = root;
    this.path = git.place.worktree!.path;
    this.#git = git;
    this.#base = base;
  }

  /**
   * Makes the task's files in a new temporary folder. A repository is cloned (never touched
   * itself) and its `.git` file dropped: git is only ever run here with explicit
   * `--git-dir`/`--work-tree`, so nothing the sandbox writes is read as git's.
   *
   * @throws {GitCommandError} When git cannot clone or record the starting point.
   * @throws {TaskFilesError} When the folder cannot be copied.
   */
  static async prepare(task: BatchTask): Promise<TaskWorkspace> {
    const root = await Deno.makeTempDir({ prefix: `pygent-batch-${task.id}-` });
    try {
      const gitDir = path.join(root, "git");
      const work = path.join(root, "work");
      const place = { gitDir, path: work };
      const source = task.source;
      let git: Git;
      let base: string;
      if (source.kind === "repo") {
        await new Git({ cwd: root }).run([
          "clone",
          "--quiet",
          "--no-checkout",
          `--separate-git-dir=${gitDir}`,
          "--end-of-options",
          source.path,
          work,
        ]);
        await Deno.remove(path.join(work, ".git"));
        git = new Git({ cwd: work, worktree: place });
        await git.run(["checkout", "--quiet", "--detach", source.commit]);
        base = source.commit;
      } else {
        await Deno.mkdir(work);
        if (source.kind === "workspace") await copyFolder(source.path, work);
        git = new Git({ cwd: work, worktree: place });
        await git.run(["init", "--quiet"]);
        await git.run(["add", "--all"]);
        await git.run([
          "commit",
          "--quiet",
          "--allow-empty",
          "--no-verify",
          "--no-gpg-sign",
          "-m",
          "start",
        ], {
          env: AUTHOR,
        });
        base = await git.text(["rev-parse", "HEAD"]);
      }
      return new TaskWorkspace(root, git, base);
    } catch (error) {
      await Deno.remove(root, { recursive: true }).catch(() => {});
      throw error;
    }
  }

  /**
   * What the task changed since its starting point, as `git diff --binary` prints it: new
   * files included (those a `.gitignore` of the workspace ignores excepted); "" when nothing
   * changed.
   */
  async diff(): Promise<string> {
    // A scratch index, so the diff sees new files without touching the starting point's.
    const env = { GIT_INDEX_FILE: path.join(this.#root, "diff-index") };
    await this.#git.run(["read-tree", this.#base], { env });
    await this.#git.run(["add", "--all"], { env });
    return (await this.#git.run(["diff", "--cached", "--binary", "--no-ext-diff", this.#base], {
      env,
    })).stdout;
  }

  /** Removes the task's files and its git dir. */
  async dispose(): Promise<void> {
    await Deno.remove(this.#root, { recursive: true }).catch(() => {});
  }

  /** Same as {@linkcode TaskWorkspace.dispose}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** Copies a folder's contents (modes, links and times kept) into an empty one. */
async function copyFolder(from: string, to: string): Promise<void> {
  const { code, stderr } = await new Deno.Command("cp", {
    args: ["-a", "--", `${from}/.`, to],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new TaskFilesError(`Cannot copy ${from}: ${new TextDecoder().decode(stderr).trim()}`);
  }
}
