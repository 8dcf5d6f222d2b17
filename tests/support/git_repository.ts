/**
 * A user's repository for the tests of worktree sessions: one commit (`a.txt` holding
 * "one"), on `main`, in a fresh temporary folder with a data folder of its own
 * (`XDG_DATA_HOME`) for the sessions and worktrees.
 *
 * @module
 */

import assert from "node:assert/strict";

/** A repository made by {@linkcode gitRepository}; removed with its folder on dispose. */
export interface GitRepository extends AsyncDisposable {
  /** The temporary folder holding it all. */
  root: string;
  /** The checkout. */
  repo: string;
  /** Runs plain `git ARGS` in the checkout; its stdout, trimmed. */
  git(...args: string[]): Promise<string>;
  /** The variables of a run: `XDG_DATA_HOME`. */
  env: Record<string, string>;
  /** Reads those variables. */
  getEnv(name: string): string | undefined;
}

/** Makes a {@linkcode GitRepository}. */
export async function gitRepository(): Promise<GitRepository> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-repo-" }));
  const repo = `${root}/repo`;
  await Deno.mkdir(repo);
  const git = async (...args: string[]) => {
    const out = await new Deno.Command("git", { args, cwd: repo, stderr: "inherit" }).output();
    assert.equal(out.code, 0, `git ${args.join(" ")}`);
    return new TextDecoder().decode(out.stdout).trim();
  };
  await git("init", "-q", "-b", "main");
  await git("config", "user.email", "me@example.com");
  await git("config", "user.name", "Me");
  await Deno.writeTextFile(`${repo}/a.txt`, "one\n");
  await git("add", ".");
  await git("commit", "-qm", "first");
  const env = { XDG_DATA_HOME: `${root}/data` };
  return {
    root,
    repo,
    git,
    env,
    getEnv: (name) => (env as Record<string, string>)[name],
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}
