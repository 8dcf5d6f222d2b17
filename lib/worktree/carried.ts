/**
 * The uncommitted changes a session carried over, met again at merge time.
 *
 * A session started from a checkout with uncommitted changes has them as its first commit, and
 * the checkout usually still holds them, unchanged: git would refuse to merge over them. When
 * every carried file is in the checkout exactly as it was carried (and none is staged), the
 * checkout's copies are set aside (put back as `HEAD` has them) for the merge, which brings the
 * same changes back; if git then refuses the merge for another reason, they are restored.
 * Nothing is lost either way: the carried changes are in the branch.
 *
 * @module
 */

import path from "node:path";
import type { Git } from "./git.ts";

/** The trailer of the commit that holds a session's carried-over changes. */
export const CARRIED_TRAILER = "Pygent-Carried";

/** Carried files set aside in the checkout; `restore` puts them back as they were. */
export interface SetAside {
  /** The files, relative to the checkout's top. */
  files: string[];
  /** Writes the files back as they were set aside (the index is not touched). */
  restore(): Promise<void>;
}

/**
 * Sets aside the carried files of `base` in the checkout when they are there exactly as they
 * were carried; undefined when `base` carried nothing, or when any of them differs (then the
 * merge is left to git, which says which files are in its way).
 *
 * @param git Runs git in the user's checkout.
 * @param root The checkout's top folder.
 * @param base The session's base commit.
 */
export async function setAsideCarried(
  git: Git,
  root: string,
  base: string,
): Promise<SetAside | undefined> {
  const message = await git.text(["log", "-1", "--format=%B", base]);
  if (!message.split("\n").some((line) => line.startsWith(`${CARRIED_TRAILER}: `))) {
    return undefined;
  }
  const files = splitNames(
    await git.text(["diff-tree", "-r", "-z", "--name-only", "--no-renames", `${base}^`, base]),
  );
  if (files.length === 0) return undefined;
  // Staged changes to them would be lost by putting the files back: leave it to git.
  const staged = await git.run(["diff", "--cached", "--quiet", "HEAD", "--", ...files], {
    okCodes: [1],
  });
  if (staged.code !== 0) return undefined;
  const now = await checkoutTree(git, root);
  const changed = await git.run(["diff-tree", "--quiet", base, now, "--", ...files], {
    okCodes: [1],
  });
  if (changed.code !== 0) return undefined;
  const inHead = new Set(
    splitNames(await git.text(["ls-tree", "-r", "-z", "--name-only", "HEAD", "--", ...files])),
  );
  const tracked = files.filter((file) => inHead.has(file));
  if (tracked.length > 0) {
    await git.run(["checkout", "HEAD", "--", ...tracked], { drivers: "user" });
  }
  for (const file of files.filter((file) => !inHead.has(file))) {
    await Deno.remove(path.join(root, file)).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  }
  return { files, restore: () => writeFromCommit(git, root, base, files) };
}

/**
 * The tree of the checkout as it is on disk (tracked changes, staged or not, and untracked files
 * not ignored), made in a copy of its index: the real index is only read, and its file times
 * spare reading again the files that did not change. The user's filters run, as they would on
 * `git add`.
 *
 * @param git Runs git in the checkout.
 * @param root The checkout's top folder.
 */
export async function checkoutTree(git: Git, root: string): Promise<string> {
  const real = path.resolve(root, await git.text(["rev-parse", "--git-path", "index"]));
  return await withIndex(async (env) => {
    await Deno.copyFile(real, env.GIT_INDEX_FILE).catch((error) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    // The user's own files, with the user's filters: git-crypt encrypts, LFS stores a pointer.
    await git.run(["add", "-A", "--", "."], { env, drivers: "user" });
    return await git.text(["write-tree"], { env });
  });
}

/** Writes `files` as `commit` has them into the checkout (removing those it has not). */
async function writeFromCommit(
  git: Git,
  root: string,
  commit: string,
  files: string[],
): Promise<void> {
  const inCommit = new Set(
    splitNames(await git.text(["ls-tree", "-r", "-z", "--name-only", commit, "--", ...files])),
  );
  await withIndex(async (env) => {
    await git.run(["read-tree", commit], { env });
    const present = files.filter((file) => inCommit.has(file));
    if (present.length > 0) {
      await git.run(["checkout-index", "-f", "--", ...present], { env, drivers: "user" });
    }
  });
  for (const file of files.filter((file) => !inCommit.has(file))) {
    await Deno.remove(path.join(root, file)).catch(() => {});
  }
}

/** Runs `fn` with `GIT_INDEX_FILE` set to a temporary index, removed after. */
async function withIndex<T>(fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const folder = await Deno.makeTempDir({ prefix: "pygent-index-" });
  try {
    return await fn({ GIT_INDEX_FILE: path.join(folder, "index") });
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

function splitNames(output: string): string[] {
  return output.split("\0").filter(Boolean);
}
