/**
 * What a `--worktree` session adds to the user's time, against plain git doing the same by
 * hand in the same run: a checkpoint after a step (Pygent's hardened `git add -A`,
 * `write-tree`, `commit-tree`, `update-ref`, and the list of changed files) against
 * `git add -A && git commit`; and the session's start (branch, worktree, base ref, with the
 * checkout's uncommitted changes carried over) against `git worktree add -b`.
 *
 * ```sh
 * deno bench -A bench/worktree_bench.ts
 * ```
 *
 * The repository: 1 000 files of 2 KiB in 20 folders, one commit; each checkpoint iteration
 * changes 5 of them. Recorded in BENCHMARKS.md ("Worktree sessions").
 *
 * @module
 */

import path from "node:path";
import { findRepository, SessionWorktree } from "../lib/worktree/mod.ts";

const FILES = 1_000;
const CHANGED_PER_STEP = 5;

async function git(cwd: string, ...args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command("git", { args, cwd, stdout: "null" }).output();
  if (code !== 0) throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(stderr)}`);
}

/** A repository of `FILES` files with one commit, in a fresh temporary folder. */
async function repository(): Promise<string> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-bench-wt-" }));
  const repo = path.join(root, "repo");
  await Deno.mkdir(repo);
  await git(repo, "init", "-q", "-b", "main");
  await git(repo, "config", "user.name", "Bench");
  await git(repo, "config", "user.email", "bench@example.com");
  for (let i = 0; i < FILES; i++) {
    const folder = path.join(repo, `dir${i % 20}`);
    await Deno.mkdir(folder, { recursive: true });
    await Deno.writeTextFile(path.join(folder, `file${i}.txt`), `${i}\n`.repeat(512));
  }
  await git(repo, "add", "-A");
  await git(repo, "commit", "-q", "-m", "first");
  return repo;
}

let round = 0;

/** Changes `CHANGED_PER_STEP` files of `tree`, others each round. */
async function step(tree: string): Promise<void> {
  round++;
  for (let k = 0; k < CHANGED_PER_STEP; k++) {
    const i = (round * CHANGED_PER_STEP + k) % FILES;
    await Deno.writeTextFile(path.join(tree, `dir${i % 20}`, `file${i}.txt`), `round ${round}\n`);
  }
}

const repo = await repository();
const { worktree } = await SessionWorktree.start(
  await findRepository(repo),
  "20261202-000000-0b01",
  path.join(path.dirname(repo), "worktrees", "session"),
);
const plain = path.join(path.dirname(repo), "worktrees", "plain");
await git(repo, "worktree", "add", "-q", "-b", "plain", plain);
await Deno.writeTextFile(path.join(repo, "dir0", "file0.txt"), "uncommitted\n");

Deno.bench(
  "git add -A && git commit, by hand",
  { group: "checkpoint", baseline: true },
  async () => {
    await step(plain);
    await git(plain, "add", "-A");
    await git(plain, "commit", "-q", "--no-verify", "-m", "step");
  },
);

Deno.bench("pygent checkpoint", { group: "checkpoint" }, async () => {
  await step(worktree.path);
  await worktree.checkpoint("step");
});

let starts = 0;
Deno.bench("git worktree add -b, by hand", { group: "start", baseline: true }, async () => {
  const id = `plain-${++starts}`;
  await git(repo, "worktree", "add", "-q", "-b", id, path.join(path.dirname(repo), "w", id));
});

Deno.bench("pygent session start (1 file carried over)", { group: "start" }, async () => {
  const id = `20261202-000000-${(++starts).toString(16).padStart(4, "0")}`;
  await SessionWorktree.start(
    await findRepository(repo),
    id,
    path.join(path.dirname(repo), "w", id),
  );
});

globalThis.addEventListener("unload", () => {
  Deno.removeSync(path.dirname(repo), { recursive: true });
});
