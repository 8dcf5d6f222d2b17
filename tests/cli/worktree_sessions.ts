/**
 * Worktree sessions for the CLI's tests: a real repository in a temporary folder, sessions
 * made with the library (a branch and worktree, checkpoints, a session file naming them), and
 * `pygent` run in the checkout with the test's own data folder.
 *
 * @module
 */

import path from "node:path";
import { sessionsDir, SessionWriter } from "../../lib/sessions/mod.ts";
import { findRepository, SessionWorktree, worktreePath } from "../../lib/worktree/mod.ts";
import { runCli } from "./cli_process.ts";
import { runGit } from "../worktree/fixture.ts";

/** A repository on `main` (one commit: `a.txt`), and a data folder of the test's own. */
export interface Place extends AsyncDisposable {
  /** The user's checkout. */
  repo: string;
  /** `XDG_DATA_HOME` of the runs: the sessions and the worktrees are there. */
  data: string;
  /** The variables of a run. */
  env: Record<string, string>;
  getEnv(name: string): string | undefined;
  /** Runs plain `git ARGS` in `cwd` (the checkout by default); its stdout. */
  git(args: string[], cwd?: string): Promise<string>;
  /**
   * Starts session `id`'s worktree, writes `files` in it and checkpoints them (one checkpoint
   * per entry of `steps`), and keeps a session file naming it unless `file` is false.
   */
  session(
    id: string,
    steps: Record<string, string>[],
    options?: { file?: boolean },
  ): Promise<SessionWorktree>;
  /** Runs `pygent ARGS` in the checkout (or `cwd`). */
  pygent(args: string[], cwd?: string): ReturnType<typeof runCli>;
}

/** Makes a {@linkcode Place}; removed on dispose. */
export async function place(): Promise<Place> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-worktree-cli-" }));
  const repo = path.join(root, "repo");
  const data = path.join(root, "data");
  await Deno.mkdir(repo);
  const env = { XDG_DATA_HOME: data };
  const getEnv = (name: string) => (env as Record<string, string>)[name];
  const git = (args: string[], cwd = repo) => runGit(args, cwd);
  await git(["init", "-q", "-b", "main"]);
  await git(["config", "user.name", "User"]);
  await git(["config", "user.email", "user@example.com"]);
  await git(["config", "commit.gpgsign", "false"]);
  await Deno.writeTextFile(path.join(repo, "a.txt"), "alpha\n");
  await git(["add", "-A"]);
  await git(["commit", "-q", "-m", "First commit"]);
  return {
    repo,
    data,
    env,
    getEnv,
    git,
    async session(id, steps, options = {}) {
      const repository = await findRepository(repo);
      const at = worktreePath(id, getEnv);
      const { worktree } = await SessionWorktree.start(repository, id, at);
      for (const [n, files] of steps.entries()) {
        for (const [file, content] of Object.entries(files)) {
          await Deno.mkdir(path.dirname(path.join(at, file)), { recursive: true });
          await Deno.writeTextFile(path.join(at, file), content);
        }
        await worktree.checkpoint(`step ${n + 1}`);
      }
      if (options.file ?? true) {
        const writer = new SessionWriter({
          dir: sessionsDir(getEnv),
          id,
          info: {
            pygent: "0",
            model: "m",
            workspace: repo,
            sandbox: { kind: "host" },
            worktree: { repository: repository.root, branch: worktree.branch, path: at },
          },
        });
        writer.append([{ role: "user", content: `session ${id}` }]);
        writer.close();
      }
      return worktree;
    },
    pygent: (args, cwd = repo) => runCli(args, { env, cwd }),
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

/** True when `file` is there (a link counts). */
export async function exists(file: string): Promise<boolean> {
  try {
    await Deno.lstat(file);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** True when `repo` has the branch. */
export async function branchExists(repo: string, branch: string): Promise<boolean> {
  return (await runGit(["branch", "--list", branch], repo)).trim() !== "";
}
