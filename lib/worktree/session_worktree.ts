/**
 * A session's own branch and worktree: `pygent/ID`, checked out outside the
 * user's folder, committed after each step that changed files, and merged,
 * applied or discarded at the end.
 *
 * The session's base is kept as the ref `refs/pygent/base/ID`: the commit the branch started
 * from (the user's `HEAD`, or a commit of the uncommitted changes carried over). Everything
 * the session did is `base..pygent/ID`.
 *
 * @module
 */

import path from "node:path";
import { GitCommandError, MergeStoppedError, WorktreeError } from "./errors.ts";
import type { Git } from "./git.ts";
import { CARRIED_TRAILER, checkoutTree, setAsideCarried } from "./carried.ts";
import { currentBranch, headCommit, type Repository } from "./repository.ts";
import { refuseIfRunning, unlockSession } from "./session_lock.ts";
import { checkSessionId } from "./worktrees_dir.ts";

/** The prefix of a session's branch name. */
export const BRANCH_PREFIX = "pygent/";
/** The trailer that marks a checkpoint commit as the session's. */
export const SESSION_TRAILER = "Pygent-Session";
/** Who checkpoints are by. */
const AUTHOR = { name: "pygent", email: "pygent@localhost" };
/** Characters of the user's message kept as a checkpoint's first line. */
const SUBJECT_WIDTH = 72;
/** The message of a checkpoint of changes made between steps (`!COMMAND`, an editor). */
export const BETWEEN_STEPS = "Changes made between steps";

/** One commit of the session's branch. */
export interface Checkpoint {
  /** Its full hash. */
  commit: string;
  /** Its first line: the first line of the message that made it. */
  message: string;
  /** When it was made (ISO 8601). */
  at: string;
  /** The files it changed (added, modified, deleted), relative to the repository's top. */
  files: string[];
}

/** What a session's worktree started from. */
export interface WorktreeStart {
  /** True when the branch existed already (a resumed session). */
  reattached: boolean;
  /** Files with uncommitted changes (tracked, or untracked and not ignored) carried over. */
  carried: string[];
}

/**
 * A session's branch and worktree.
 *
 * @example
 * ```ts ignore
 * import { findRepository, SessionWorktree } from "./mod.ts";
 * const repository = await findRepository(Deno.cwd());
 * const worktree = await SessionWorktree.start(repository, "20261202-101500-0a1b", "/tmp/wt");
 * // … the sandbox changes files in worktree.path …
 * console.log(await worktree.checkpoint("Add a test"));
 * ```
 */
export class SessionWorktree {
  /** The session id the branch is named after. */
  readonly id: string;
  /** The repository the branch is in. */
  readonly repository: Repository;
  /** The worktree's folder. */
  readonly path: string;
  /** Runs git on the worktree, or undefined when it was removed (the branch remains). */
  readonly #git: Git | undefined;

  private constructor(repository: Repository, id: string, worktreePath: string, git?: Git) {
    this.repository = repository;
    this.id = id;
    this.path = worktreePath;
    this.#git = git;
  }

  /** The branch, `pygent/ID`. */
  get branch(): string {
    return BRANCH_PREFIX + this.id;
  }

  /** True while the worktree's folder is there (it is removed after a merge). */
  get checkedOut(): boolean {
    return this.#git !== undefined;
  }

  /**
   * Makes the session's branch from the checkout's `HEAD` and its worktree at `worktreePath`,
   * with the checkout's uncommitted changes carried over; or, when the branch exists already,
   * checks it out there again (a resumed session; a branch merged since starts its base anew
   * at its tip). The user's checkout, index and stash are only read.
   */
  static async start(
    repository: Repository,
    id: string,
    worktreePath: string,
  ): Promise<{ worktree: SessionWorktree; start: WorktreeStart }> {
    checkSessionId(id);
    const git = repository.git;
    const branch = BRANCH_PREFIX + id;
    if (await branchExists(git, branch)) {
      await refuseIfRunning(worktreePath, id);
      const found = await SessionWorktree.open(repository, id, worktreePath);
      // Merged already: what the session does from now on is what a next merge brings.
      if (await found.merged()) await git.run(["update-ref", baseRef(id), await found.tip()]);
      if (found.checkedOut) return { worktree: found, start: { reattached: true, carried: [] } };
      await git.run(["worktree", "prune"]);
      await git.run(["worktree", "add", worktreePath, branch]);
      const again = await SessionWorktree.open(repository, id, worktreePath);
      return { worktree: again, start: { reattached: true, carried: [] } };
    }
    const head = await headCommit(repository);
    const tree = await checkoutTree(git, repository.root);
    const files = await changedFiles(git, head, tree);
    const base = files.length === 0 ? head : await commitTree(git, tree, head, [
      `Uncommitted changes carried over from ${repository.root}`,
      "",
      `${CARRIED_TRAILER}: ${id}`,
    ]);
    await Deno.mkdir(path.dirname(worktreePath), { recursive: true });
    await git.run(["update-ref", baseRef(id), base, ""]);
    try {
      await git.run(["worktree", "add", "-b", branch, worktreePath, base]);
    } catch (error) {
      await git.run(["update-ref", "-d", baseRef(id)]).catch(() => {});
      throw error;
    }
    const worktree = await SessionWorktree.open(repository, id, worktreePath);
    return { worktree, start: { reattached: false, carried: files } };
  }

  /**
   * The session `id`'s branch in `repository`, with its worktree when it is still checked out
   * at `worktreePath`.
   *
   * @throws {WorktreeError} When the branch is gone (discarded) or was not made by Pygent.
   */
  static async open(
    repository: Repository,
    id: string,
    worktreePath: string,
  ): Promise<SessionWorktree> {
    checkSessionId(id);
    const git = repository.git;
    if (!await branchExists(git, BRANCH_PREFIX + id)) {
      throw new WorktreeError(
        `Session ${id} has no branch ${BRANCH_PREFIX + id} in ${repository.root}: it was ` +
          "discarded, or made in another repository.",
      );
    }
    if (!await git.text(["rev-parse", "--verify", "-q", baseRef(id)], { okCodes: [1] })) {
      throw new WorktreeError(
        `The branch ${BRANCH_PREFIX + id} was not made by a pygent session (no ${baseRef(id)}).`,
      );
    }
    const gitDir = await worktreeGitDir(repository, worktreePath);
    const worktreeGit = gitDir === undefined
      ? undefined
      : git.forWorktree({ gitDir, path: worktreePath });
    return new SessionWorktree(repository, id, worktreePath, worktreeGit);
  }

  /** The commit the session started from. */
  base(): Promise<string> {
    return this.repository.git.text(["rev-parse", "--verify", baseRef(this.id)]);
  }

  /** The branch's newest commit. */
  tip(): Promise<string> {
    return this.repository.git.text(["rev-parse", "--verify", `refs/heads/${this.branch}`]);
  }

  /**
   * Commits the worktree's files on the branch when they differ from its newest commit;
   * resolves to the new checkpoint, or undefined when nothing changed (or the worktree was
   * removed).
   *
   * @param message The user's message; its first line is the commit's.
   */
  async checkpoint(message: string): Promise<Checkpoint | undefined> {
    const git = this.#git;
    if (!git) return undefined;
    const tree = await this.#stageAll(git);
    const [tip, tipTree] = (await git.text(["rev-parse", this.#ref, `${this.#ref}^{tree}`]))
      .split("\n");
    if (tree === tipTree) return undefined;
    const commit = await commitTree(git, tree, tip, [
      subject(message),
      "",
      `${SESSION_TRAILER}: ${this.id}`,
    ]);
    await git.run(["update-ref", "-m", "pygent: checkpoint", this.#ref, commit, tip]);
    return {
      commit,
      message: subject(message),
      at: new Date().toISOString(),
      files: await changedFiles(git, tip, commit),
    };
  }

  /** The session's checkpoints, oldest first. */
  async checkpoints(): Promise<Checkpoint[]> {
    const log = await this.repository.git.text([
      "log",
      "-z",
      "--first-parent",
      "--reverse",
      "--name-only",
      "--no-renames",
      "--format=%x1e%H%x1f%aI%x1f%s",
      `${await this.base()}..${this.#ref}`,
    ]);
    return log.split("\x1e").slice(1).map((record) => {
      const [head, names = ""] = record.split("\0\n");
      const [commit, at, message] = head.replace(/\0$/, "").split("\x1f");
      return { commit, at, message, files: names.split("\0").filter(Boolean) };
    });
  }

  /**
   * Puts the worktree's files back as they were at the checkpoint before the newest one, and
   * moves the branch back to it. Changes made since the newest checkpoint are committed first,
   * as a checkpoint of their own, so they are what is undone. Resolves to the checkpoint undone
   * (still in the branch's reflog), or undefined when there is nothing left to undo.
   */
  async undo(): Promise<Checkpoint | undefined> {
    const git = this.#checkedOutGit("undo");
    await this.checkpoint(BETWEEN_STEPS);
    const newest = (await this.checkpoints()).at(-1);
    if (!newest) return undefined;
    const parent = await git.text(["rev-parse", `${newest.commit}^`]);
    await git.run(["read-tree", "-u", "--reset", parent]);
    await git.run(["update-ref", "-m", "pygent: undo", this.#ref, parent, newest.commit]);
    return newest;
  }

  /**
   * The session's whole diff against its base, files not yet checkpointed included.
   *
   * @param options `color`: with the terminal's colours.
   */
  async diff(options: { color?: boolean } = {}): Promise<string> {
    const color = `--color=${options.color ? "always" : "never"}`;
    const base = await this.base();
    const git = this.#git;
    if (!git) {
      return await this.repository.git.text([...DIFF, color, base, this.#ref]);
    }
    await this.#stageAll(git);
    return await git.text([...DIFF, color, "--cached", base]);
  }

  /**
   * Merges the branch into the branch the user's checkout is on, with history (as
   * `git merge --no-ff`), after checkpointing what the worktree holds. The uncommitted changes
   * carried into the session, when the checkout still holds them as they were, are not in the
   * way: the merge brings them back (see {@linkcode setAsideCarried}). On a conflict it rejects
   * with git's message ({@linkcode GitCommandError}) and leaves the checkout as git does; when
   * git refuses to begin, the checkout is as it was. Resolves to the branch merged into.
   *
   * @throws {WorktreeError} When the session changed nothing, or the checkout is on no branch.
   */
  async merge(): Promise<string> {
    await this.checkpoint(BETWEEN_STEPS);
    await this.#changedSomething("merge");
    const into = await currentBranch(this.repository);
    if (into === undefined) {
      throw new WorktreeError(
        `${this.repository.root} is on no branch (a detached HEAD): check out the branch to ` +
          `merge into, then run pygent merge ${this.id} again.`,
      );
    }
    const git = this.repository.git;
    const changes = await this.#changes();
    await this.#refuseFiltered(changes.written);
    const aside = await setAsideCarried(git, this.repository.root, await this.base());
    try {
      await git.run(["merge", "--no-ff", "--no-edit", this.branch], {
        drivers: driversFor(changes.files),
      });
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      // Refused before it began (no MERGE_HEAD): the checkout gets its files back as they were.
      const begun = await git.run(["rev-parse", "-q", "--verify", "MERGE_HEAD"], { okCodes: [1] });
      if (begun.code !== 0) await aside?.restore();
      else if (aside) throw new MergeStoppedError(error, aside.files, await this.base());
      throw error;
    }
    return into;
  }

  /**
   * Applies the session's changes to the user's checkout as uncommitted changes, after
   * checkpointing what the worktree holds. All or nothing: when a change does not apply, it
   * rejects with git's message and the checkout is unchanged. Resolves to the files changed.
   *
   * @throws {WorktreeError} When the session changed nothing.
   */
  async apply(): Promise<string[]> {
    await this.checkpoint(BETWEEN_STEPS);
    await this.#changedSomething("apply");
    const git = this.repository.git;
    const patch = await git.text([
      ...DIFF,
      "--binary",
      "--full-index",
      await this.base(),
      this.#ref,
    ]);
    const { files } = await this.#changes();
    await git.run(["apply", "--binary", "-"], { input: patch + "\n", drivers: driversFor(files) });
    return files;
  }

  /** Removes the worktree's folder; the branch stays (as after a merge). */
  async removeWorktree(): Promise<void> {
    if (!this.#git) return;
    await this.repository.git.run(["worktree", "remove", "--force", this.path]);
  }

  /** Removes the worktree and the branch: the session's work is gone. */
  async discard(): Promise<void> {
    const git = this.repository.git;
    if (this.#git) await this.removeWorktree();
    else await git.run(["worktree", "prune"]);
    await git.run(["update-ref", "-d", `refs/heads/${this.branch}`]);
    await git.run(["update-ref", "-d", baseRef(this.id)]);
    unlockSession(this.path, true);
  }

  /** True when the branch's work is in the checkout's current branch. */
  async merged(): Promise<boolean> {
    const code = (await this.repository.git.run(
      ["merge-base", "--is-ancestor", this.#ref, "HEAD"],
      { okCodes: [1] },
    )).code;
    return code === 0 && await this.tip() !== await this.base();
  }

  get #ref(): string {
    return `refs/heads/${this.branch}`;
  }

  #checkedOutGit(what: string): Git {
    if (this.#git) return this.#git;
    throw new WorktreeError(
      `Cannot ${what}: the worktree of session ${this.id} was removed (its branch ` +
        `${this.branch} remains).`,
    );
  }

  /** The files the session changed against its base, and those of them it wrote (not deleted). */
  async #changes(): Promise<{ files: string[]; written: string[] }> {
    const fields = (await this.repository.git.text([
      "diff-tree",
      "-r",
      "-z",
      "--name-status",
      "--no-renames",
      await this.base(),
      this.#ref,
    ])).split("\0");
    const files: string[] = [];
    const written: string[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      files.push(fields[i + 1]);
      if (fields[i] !== "D") written.push(fields[i + 1]);
    }
    return { files, written };
  }

  /**
   * Refuses to merge files the session wrote where your `.gitattributes` names a filter
   * (git-crypt, Git LFS): the branch holds them as the sandbox wrote them, and a merge would
   * commit them so, unencrypted or in full. `apply` leaves them for your own `git add`.
   */
  async #refuseFiltered(written: readonly string[]): Promise<void> {
    if (written.length === 0) return;
    const git = this.repository.git;
    const names = written.join("\0") + "\0";
    const attributes = (await git.text(["check-attr", "-z", "--stdin", "filter"], {
      input: names,
    })).split("\0");
    const filtered: string[] = [];
    for (let i = 0; i + 2 < attributes.length; i += 3) {
      if (!["unspecified", "unset"].includes(attributes[i + 2])) filtered.push(attributes[i]);
    }
    if (filtered.length === 0) return;
    throw new WorktreeError(
      `The session wrote ${filtered.slice(0, 5).join(", ")}${filtered.length > 5 ? ", …" : ""}, ` +
        "which your .gitattributes sends through a filter (git-crypt, Git LFS…): a merge would " +
        `commit them as the sandbox wrote them. Run pygent apply ${this.id}, then git add them ` +
        "(your filter runs) and commit. Nothing was merged.",
    );
  }

  /** Rejects when the branch's files are those of its base (no commit, or all undone by hand). */
  async #changedSomething(what: string): Promise<void> {
    const [tip, base] = (await this.repository.git.text([
      "rev-parse",
      `${this.#ref}^{tree}`,
      `${baseRef(this.id)}^{tree}`,
    ])).split("\n");
    if (tip !== base) return;
    throw new WorktreeError(`Session ${this.id} changed no file: nothing to ${what}.`);
  }

  /**
   * Stages every file of the worktree (the ignored ones aside) and resolves to its tree.
   *
   * A repository nested in the worktree (`sub/.git`, which the sandbox can write) is staged as
   * a new entry every time: for one the index already holds, `git add` would run
   * `git status` inside it, and that git reads the nested repository's own config, whose
   * filter drivers no `-c` setting can name in advance. A submodule that is not checked out
   * (no `.git` in its folder, as every submodule of a new worktree) keeps its entry: git runs
   * nothing in it, and dropping it would delete the submodule from the branch.
   */
  async #stageAll(git: Git): Promise<string> {
    const gitlinks = (await git.text(["ls-files", "-z", "--stage"])).split("\0")
      .filter((entry) => entry.startsWith("160000 "))
      .map((entry) => entry.slice(entry.indexOf("\t") + 1));
    const nested: string[] = [];
    for (const link of gitlinks) {
      const dotGit = await Deno.lstat(path.join(this.path, link, ".git")).catch(() => undefined);
      if (dotGit) nested.push(link);
    }
    if (nested.length > 0) {
      await git.run(["update-index", "-z", "--force-remove", "--stdin"], {
        input: nested.join("\0") + "\0",
      });
    }
    await git.run(["add", "-A", "--", "."]);
    return await git.text(["write-tree"]);
  }
}

/**
 * Whether the user's filter and merge drivers may run on the session's files in the user's
 * checkout: only when the session changed no `.gitattributes`, so every attribute that picks a
 * driver is the user's own. Otherwise a `.gitattributes` the sandbox wrote could hand its files
 * to any of them, and they stay off.
 */
function driversFor(changed: readonly string[]): "off" | "user" {
  return changed.some(isAttributesFile) ? "off" : "user";
}

/**
 * True for a path git may read as a `.gitattributes` file: that name in any case (a file system
 * that ignores case opens it as one), with trailing dots or spaces, or an NTFS short name.
 */
function isAttributesFile(name: string): boolean {
  const base = path.posix.basename(name).toLowerCase().replace(/[. ]+$/, "");
  return base === ".gitattributes" || /^(gitatt|gi7d29)~\d+$/.test(base);
}

/** `git diff` as Pygent shows it: no external diff program, no textconv driver. */
const DIFF = ["diff", "--no-ext-diff", "--no-textconv", "--no-renames", "--submodule=short"];

/** Where the sessions' bases are kept: `refs/pygent/base/ID`. */
export const BASE_REF_PREFIX = "refs/pygent/base/";

function baseRef(id: string): string {
  return BASE_REF_PREFIX + id;
}

async function branchExists(git: Git, branch: string): Promise<boolean> {
  return (await git.run(["show-ref", "--verify", "-q", `refs/heads/${branch}`], {
    okCodes: [1],
  })).code === 0;
}

/**
 * The git dir of the worktree checked out at `worktreePath`, found from the repository's side
 * (each `worktrees/NAME/gitdir` names its worktree's `.git`), never from the worktree's own
 * `.git` file, which the sandbox could have written.
 */
async function worktreeGitDir(
  repository: Repository,
  worktreePath: string,
): Promise<string | undefined> {
  const dir = path.join(repository.commonDir, "worktrees");
  try {
    // git writes the folder's real path (no symbolic link in it), and so must the comparison.
    const wanted = path.join(await Deno.realPath(worktreePath), ".git");
    await Deno.stat(wanted);
    for await (const entry of Deno.readDir(dir)) {
      const gitDir = path.join(dir, entry.name);
      const pointer = await Deno.readTextFile(path.join(gitDir, "gitdir")).catch(() => "");
      if (pointer.trim() === wanted) return gitDir;
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return undefined;
}

/** Commits `tree` with `parent`, by Pygent, unsigned; resolves to the commit's hash. */
async function commitTree(
  git: Git,
  tree: string,
  parent: string,
  lines: readonly string[],
): Promise<string> {
  const env = {
    GIT_AUTHOR_NAME: AUTHOR.name,
    GIT_AUTHOR_EMAIL: AUTHOR.email,
    GIT_COMMITTER_NAME: AUTHOR.name,
    GIT_COMMITTER_EMAIL: AUTHOR.email,
  };
  return await git.text(["commit-tree", "--no-gpg-sign", "-p", parent, "-F", "-", tree], {
    input: lines.join("\n") + "\n",
    env,
  });
}

async function changedFiles(git: Git, from: string, to: string): Promise<string[]> {
  const names = await git.text(["diff-tree", "-r", "-z", "--name-only", "--no-renames", from, to]);
  return names.split("\0").filter(Boolean);
}

/** A checkpoint's first line: the message's first line, cut to fit. */
function subject(message: string): string {
  const line = message.trim().split("\n", 1)[0].trim() || "(no message)";
  return line.length <= SUBJECT_WIDTH ? line : `${line.slice(0, SUBJECT_WIDTH - 1)}…`;
}
