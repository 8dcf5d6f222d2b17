import assert from "node:assert/strict";
import path from "node:path";
import { GitCommandError, MergeStoppedError, SessionWorktree } from "../../lib/worktree/mod.ts";
import { assertRejects, type Fixture, fixture } from "./fixture.ts";

const ID = "20261202-120000-0c01";

/** The checkout with uncommitted changes (a.txt changed, u.txt new), and a session from it. */
async function carrying(repo: Fixture) {
  await repo.write("a.txt", "alpha, changed by the user\n");
  await repo.write("u.txt", "untracked\n");
  const { worktree, start } = await SessionWorktree.start(
    await repo.repository(),
    ID,
    repo.worktreePath(ID),
  );
  assert.deepEqual(start.carried, ["a.txt", "u.txt"]);
  return worktree;
}

Deno.test("merge() takes over the carried changes the checkout still holds as they were", async () => {
  await using repo = await fixture();
  const worktree = await carrying(repo);
  await repo.write("a.txt", "alpha, changed by the user\nand by the session\n", worktree.path);
  await worktree.checkpoint("Extend a");
  assert.equal(await worktree.merge(), "main");
  assert.equal(
    await Deno.readTextFile(path.join(repo.root, "a.txt")),
    "alpha, changed by the user\nand by the session\n",
  );
  assert.equal(await Deno.readTextFile(path.join(repo.root, "u.txt")), "untracked\n");
  assert.equal(await repo.git(["status", "--porcelain"]), "");
  assert.equal((await repo.git(["log", "-1", "--format=%P"])).trim().split(" ").length, 2);
});

Deno.test("merge() refused for another reason gives the carried files back as they were", async () => {
  await using repo = await fixture();
  const worktree = await carrying(repo);
  await repo.write("b.txt", "bravo, the session's\n", worktree.path);
  await worktree.checkpoint("Change b");
  await repo.write("b.txt", "bravo, the user's since\n");
  await assertRejects(worktree.merge(), GitCommandError, /b\.txt/);
  assert.equal(
    await Deno.readTextFile(path.join(repo.root, "a.txt")),
    "alpha, changed by the user\n",
  );
  assert.equal(await Deno.readTextFile(path.join(repo.root, "u.txt")), "untracked\n");
  assert.equal(await Deno.readTextFile(path.join(repo.root, "b.txt")), "bravo, the user's since\n");
  assert.equal(await repo.git(["status", "--porcelain"]), " M a.txt\n M b.txt\n?? u.txt\n");
});

Deno.test("merge() leaves carried files the user changed since to git, which refuses", async () => {
  await using repo = await fixture();
  const worktree = await carrying(repo);
  await repo.write("c.txt", "sea\n", worktree.path);
  await worktree.checkpoint("Add c");
  await repo.write("a.txt", "alpha, changed again by the user\n");
  await assertRejects(worktree.merge(), GitCommandError, /a\.txt/);
  assert.equal(
    await Deno.readTextFile(path.join(repo.root, "a.txt")),
    "alpha, changed again by the user\n",
  );
  assert.equal(await repo.git(["status", "--porcelain"]), " M a.txt\n?? u.txt\n");
});

Deno.test("a merge that stops on a conflict names the carried files and how to get them back", async () => {
  await using repo = await fixture();
  const worktree = await carrying(repo);
  await repo.write("b.txt", "bravo, the session's\n", worktree.path);
  await worktree.checkpoint("Change b");
  await repo.write("b.txt", "bravo, the user's\n");
  await repo.git(["commit", "-q", "-m", "The user's b", "b.txt"]);
  const error = await assertRejects(worktree.merge(), MergeStoppedError, /CONFLICT/);
  assert.deepEqual(error.carried, ["a.txt", "u.txt"]);
  await repo.git(["merge", "--abort"]);
  await assert.rejects(Deno.stat(path.join(repo.root, "u.txt")), Deno.errors.NotFound);
  await new Deno.Command("sh", { args: ["-c", error.restoreCommand], cwd: repo.root }).output();
  assert.equal(await Deno.readTextFile(path.join(repo.root, "u.txt")), "untracked\n");
  assert.equal(
    await Deno.readTextFile(path.join(repo.root, "a.txt")),
    "alpha, changed by the user\n",
  );
});
