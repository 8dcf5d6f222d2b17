/**
 * Real git repositories in temporary folders for the worktree tests: the user's
 * checkout with a first commit, a place for worktrees, and a folder for markers
 * (files a command that must not run would make on the host).
 *
 * @module
 */

import assert from "node:assert/strict";
import path from "node:path";
import { findRepository, type Repository } from "../../lib/worktree/mod.ts";

/** A temporary folder holding a repository, its worktrees and markers; removed on dispose. */
export interface Fixture extends AsyncDisposable {
  /** The temporary folder. */
  dir: string;
  /** The user's checkout (on branch `main`, one commit: `a.txt`, `b.txt`, `.gitignore`). */
  root: string;
  /** A folder outside the checkout and the worktrees, for marker files. */
  markers: string;
  /** Where session `id`'s worktree goes. */
  worktreePath(id: string): string;
  /** The repository as Pygent finds it. */
  repository(): Promise<Repository>;
  /** Runs plain (unhardened) `git ARGS` in `cwd` (the checkout by default); its stdout. */
  git(args: string[], cwd?: string): Promise<string>;
  /** Writes a file of the checkout (or of `base`), making its folder. */
  write(file: string, content: string, base?: string): Promise<void>;
}

/** Makes a repository with one commit on `main`, in a fresh temporary folder. */
export async function fixture(options: { commit?: boolean } = {}): Promise<Fixture> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-worktree-test-" }));
  const root = path.join(dir, "repo");
  const markers = path.join(dir, "markers");
  await Deno.mkdir(root);
  await Deno.mkdir(markers);
  const git = (args: string[], cwd = root) => runGit(args, cwd);
  const write = async (file: string, content: string, base = root) => {
    await Deno.mkdir(path.dirname(path.join(base, file)), { recursive: true });
    await Deno.writeTextFile(path.join(base, file), content);
  };
  await git(["init", "-q", "-b", "main"]);
  await git(["config", "user.name", "User"]);
  await git(["config", "user.email", "user@example.com"]);
  await git(["config", "commit.gpgsign", "false"]);
  if (options.commit ?? true) {
    await write("a.txt", "alpha\n");
    await write("b.txt", "bravo\n");
    await write(".gitignore", "*.log\n");
    await git(["add", "-A"]);
    await git(["commit", "-q", "-m", "First commit"]);
  }
  return {
    dir,
    root,
    markers,
    worktreePath: (id) => path.join(dir, "worktrees", id),
    repository: () => findRepository(root),
    git,
    write,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Runs plain `git ARGS` in `cwd` (with `input` on stdin); its stdout, or a throw with what it said. */
export async function runGit(args: string[], cwd: string, input?: string): Promise<string> {
  const child = new Deno.Command("git", {
    args,
    cwd,
    stdin: input === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (input !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(input));
    await writer.close();
  }
  const result = await child.output();
  const decoder = new TextDecoder();
  const stdout = decoder.decode(result.stdout);
  if (!result.success) {
    throw new Error(`git ${args.join(" ")} failed: ${stdout}${decoder.decode(result.stderr)}`);
  }
  return stdout;
}

/** The names of the files in `dir` (none means no command left a marker). */
export async function markersIn(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  return names.sort();
}

/** Asserts that no marker was left in `dir`. */
export async function assertNoMarker(dir: string, when: string): Promise<void> {
  assert.deepEqual(await markersIn(dir), [], `a marker appeared ${when}`);
}

/**
 * Everything of the user's checkout that a session must not change: every file of the work
 * tree and of `.git` outside the object store, refs and logs (each by its SHA-256), and what
 * `HEAD`, the current branch, the stash and the user's branches point at.
 */
export async function snapshot(root: string): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(root, full);
      if (
        [".git/objects", ".git/refs", ".git/logs", ".git/worktrees"].includes(relative)
      ) continue;
      if (entry.isDirectory) await walk(full);
      else if (entry.isSymlink) state[relative] = `-> ${await Deno.readLink(full)}`;
      else state[relative] = await sha256(await Deno.readFile(full));
    }
  };
  await walk(root);
  state["HEAD (commit)"] = (await runGit(["rev-parse", "HEAD"], root)).trim();
  state["HEAD (branch)"] = (await runGit(["symbolic-ref", "-q", "HEAD"], root).catch(() => ""))
    .trim();
  state["refs/stash"] = (await runGit(["rev-parse", "-q", "--verify", "refs/stash"], root)
    .catch(() => "")).trim();
  state["stash list"] = await runGit(["stash", "list"], root);
  state["user refs"] = (await runGit(["for-each-ref", "--format=%(refname) %(objectname)"], root))
    .split("\n").filter((line) => line && !/^refs\/(heads\/pygent|pygent)\//.test(line)).join(
      "\n",
    );
  return state;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Reads a file, or undefined when it is not there. */
export async function readOrUndefined(file: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Asserts that `promise` rejects with an instance of `type` whose message matches `pattern`. */
export async function assertRejects<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
  pattern: RegExp,
): Promise<E> {
  const error = await promise.then(() => undefined, (error: unknown) => error);
  assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
  assert.match(error.message, pattern);
  return error;
}

const SESSION_LOCK = new URL("../../lib/worktree/session_lock.ts", import.meta.url).href;

/**
 * Another process that takes session `id`'s lock and lives until killed (as a second pygent
 * working on the session would); resolves once it holds the lock.
 */
export async function holdLock(worktreePath: string, id: string): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { lockSession } from "${SESSION_LOCK}";
       await lockSession(${JSON.stringify(worktreePath)}, ${JSON.stringify(id)});
       console.log("locked");
       setInterval(() => {}, 60_000);`,
    ],
    stdout: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  assert.match(new TextDecoder().decode(value), /locked/);
  reader.releaseLock();
  await child.stdout.cancel();
  return child;
}
