import assert from "node:assert/strict";
import path from "node:path";
import {
  BETWEEN_STEPS,
  GitCommandError,
  SessionWorktree,
  WorktreeError,
} from "../../lib/worktree/mod.ts";
import { assertRejects, type Fixture, fixture, readOrUndefined, snapshot } from "./fixture.ts";

const ID = "20261202-101500-0a1b";

/** Starts session `id` in the fixture's repository. */
async function start(repo: Fixture, id = ID) {
  return await SessionWorktree.start(await repo.repository(), id, repo.worktreePath(id));
}

/** The first line of `git log -1 --format=FORMAT REF`. */
async function show(repo: Fixture, format: string, ref: string): Promise<string> {
  return (await repo.git(["log", "-1", `--format=${format}`, ref])).replace(/\n$/, "");
}

Deno.test("start() makes the branch pygent/ID from HEAD, checked out at the given path", async () => {
  await using repo = await fixture();
  const head = (await repo.git(["rev-parse", "HEAD"])).trim();
  const { worktree, start: started } = await start(repo);
  assert.equal(worktree.branch, `pygent/${ID}`);
  assert.equal(worktree.path, repo.worktreePath(ID));
  assert.equal(worktree.checkedOut, true);
  assert.deepEqual(started, { reattached: false, carried: [] });
  assert.equal((await repo.git(["rev-parse", `refs/heads/pygent/${ID}`])).trim(), head);
  assert.equal(await Deno.readTextFile(path.join(worktree.path, "a.txt")), "alpha\n");
  const list = await repo.git(["worktree", "list", "--porcelain"]);
  assert.match(
    list,
    new RegExp(`worktree ${worktree.path}\nHEAD ${head}\nbranch refs/heads/pygent/${ID}`),
  );
});

Deno.test("start() keeps the base as refs/pygent/base/ID", async () => {
  await using repo = await fixture();
  const head = (await repo.git(["rev-parse", "HEAD"])).trim();
  const { worktree } = await start(repo);
  assert.equal((await repo.git(["rev-parse", `refs/pygent/base/${ID}`])).trim(), head);
  assert.equal(await worktree.base(), head);
});

Deno.test("start() works from a folder inside the checkout", async () => {
  await using repo = await fixture();
  await repo.write("src/deep/x.txt", "x\n");
  await repo.git(["add", "-A"]);
  await repo.git(["commit", "-q", "-m", "src"]);
  const { findRepository } = await import("../../lib/worktree/mod.ts");
  const repository = await findRepository(path.join(repo.root, "src", "deep"));
  assert.equal(repository.root, repo.root);
  assert.equal(repository.commonDir, path.join(repo.root, ".git"));
  const { worktree } = await SessionWorktree.start(repository, ID, repo.worktreePath(ID));
  assert.equal(await Deno.readTextFile(path.join(worktree.path, "src/deep/x.txt")), "x\n");
  assert.equal(worktree.checkedOut, true);
});

Deno.test("the user's checkout, index, HEAD, branch and stash are untouched while the session runs", async () => {
  await using repo = await fixture();
  await repo.write("a.txt", "stashed\n");
  await repo.git(["stash", "-q"]);
  await repo.write("a.txt", "staged\n");
  await repo.git(["add", "a.txt"]);
  await repo.write("b.txt", "unstaged\n");
  await repo.write("new.txt", "untracked\n");
  await repo.write("debug.log", "ignored\n");
  const before = await snapshot(repo.root);
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "step 1\n");
  await worktree.checkpoint("Step one");
  await Deno.writeTextFile(path.join(worktree.path, "c.txt"), "step 2\n");
  await worktree.checkpoint("Step two");
  await worktree.undo();
  await worktree.diff();
  await worktree.diff({ color: true });
  await worktree.checkpoints();
  assert.deepEqual(await snapshot(repo.root), before);
});

Deno.test("start() carries over staged, unstaged, deleted and untracked changes, not ignored files", async () => {
  await using repo = await fixture();
  await repo.write("gone.txt", "to be deleted\n");
  await repo.git(["add", "gone.txt"]);
  await repo.git(["commit", "-q", "-m", "gone.txt"]);
  await repo.write("a.txt", "staged\n");
  await repo.git(["add", "a.txt"]);
  await repo.write("b.txt", "unstaged\n");
  await Deno.remove(path.join(repo.root, "gone.txt"));
  await repo.write("dir/new.txt", "untracked\n");
  await repo.write("debug.log", "ignored\n");
  const before = await snapshot(repo.root);
  const { worktree, start: started } = await start(repo);
  assert.deepEqual(started.carried.sort(), ["a.txt", "b.txt", "dir/new.txt", "gone.txt"]);
  const read = (file: string) => readOrUndefined(path.join(worktree.path, file));
  assert.equal(await read("a.txt"), "staged\n");
  assert.equal(await read("b.txt"), "unstaged\n");
  assert.equal(await read("gone.txt"), undefined);
  assert.equal(await read("dir/new.txt"), "untracked\n");
  assert.equal(await read("debug.log"), undefined);
  assert.deepEqual(await snapshot(repo.root), before);
});

Deno.test("carried-over changes are the base, not a checkpoint", async () => {
  await using repo = await fixture();
  const head = (await repo.git(["rev-parse", "HEAD"])).trim();
  await repo.write("b.txt", "unstaged\n");
  const { worktree } = await start(repo);
  const base = await worktree.base();
  assert.notEqual(base, head);
  assert.equal((await repo.git(["rev-parse", `${base}^`])).trim(), head);
  assert.deepEqual(await worktree.checkpoints(), []);
  assert.equal(await worktree.diff(), "");
});

Deno.test("checkpoint() makes one commit by pygent with the message's first line and the session trailer", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "changed\n");
  await Deno.writeTextFile(path.join(worktree.path, "new.txt"), "new\n");
  await Deno.remove(path.join(worktree.path, "b.txt"));
  const checkpoint = await worktree.checkpoint("Fix the parser\n\nand more details");
  assert.ok(checkpoint);
  assert.equal(checkpoint.message, "Fix the parser");
  assert.deepEqual(checkpoint.files.sort(), ["a.txt", "b.txt", "new.txt"]);
  assert.equal(await worktree.tip(), checkpoint.commit);
  assert.equal(
    (await repo.git(["rev-parse", `${checkpoint.commit}^`])).trim(),
    await worktree.base(),
  );
  assert.equal(await show(repo, "%an <%ae>", checkpoint.commit), "pygent <pygent@localhost>");
  assert.equal(await show(repo, "%cn <%ce>", checkpoint.commit), "pygent <pygent@localhost>");
  assert.equal(await show(repo, "%s", checkpoint.commit), "Fix the parser");
  assert.equal(
    (await show(repo, "%(trailers:key=Pygent-Session,valueonly)", checkpoint.commit)).trim(),
    ID,
  );
});

Deno.test("checkpoint() cuts a long first line", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "changed\n");
  const checkpoint = await worktree.checkpoint("word ".repeat(40));
  assert.ok(checkpoint);
  assert.ok(checkpoint.message.length <= 72, checkpoint.message);
  assert.match(checkpoint.message, /^word word .*…$/);
  assert.equal(await show(repo, "%s", checkpoint.commit), checkpoint.message);
});

Deno.test("checkpoint() makes no commit when nothing changed", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  assert.equal(await worktree.checkpoint("Nothing"), undefined);
  await Deno.writeTextFile(path.join(worktree.path, "debug.log"), "ignored\n");
  assert.equal(await worktree.checkpoint("Only an ignored file"), undefined);
  assert.equal(await worktree.tip(), await worktree.base());
});

Deno.test("checkpoint() after each changing step makes one commit per step", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "one\n");
  await worktree.checkpoint("One");
  assert.equal(await worktree.checkpoint("Nothing"), undefined);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "two\n");
  await worktree.checkpoint("Two");
  const checkpoints = await worktree.checkpoints();
  assert.deepEqual(checkpoints.map((c) => c.message), ["One", "Two"]);
  assert.deepEqual(checkpoints.map((c) => c.files), [["a.txt"], ["a.txt"]]);
  assert.equal(checkpoints[1].commit, await worktree.tip());
});

Deno.test("undo() twice restores the files of each earlier checkpoint and moves the branch back", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  const read = (file: string) => readOrUndefined(path.join(worktree.path, file));
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "one\n");
  const one = await worktree.checkpoint("One");
  await Deno.writeTextFile(path.join(worktree.path, "c.txt"), "two\n");
  await Deno.remove(path.join(worktree.path, "b.txt"));
  const two = await worktree.checkpoint("Two");
  assert.equal((await worktree.undo())?.commit, two?.commit);
  assert.equal(await read("a.txt"), "one\n");
  assert.equal(await read("b.txt"), "bravo\n");
  assert.equal(await read("c.txt"), undefined);
  assert.equal(await worktree.tip(), one?.commit);
  assert.equal((await worktree.undo())?.commit, one?.commit);
  assert.equal(await read("a.txt"), "alpha\n");
  assert.equal(await worktree.tip(), await worktree.base());
  assert.equal(await worktree.undo(), undefined);
  assert.equal(await read("a.txt"), "alpha\n");
  assert.deepEqual(await worktree.checkpoints(), []);
});

Deno.test("undo() commits changes made between steps, then undoes them", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "one\n");
  const one = await worktree.checkpoint("One");
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "by hand\n");
  const undone = await worktree.undo();
  assert.equal(undone?.message, BETWEEN_STEPS);
  assert.equal(await Deno.readTextFile(path.join(worktree.path, "a.txt")), "one\n");
  assert.equal(await worktree.tip(), one?.commit);
});

Deno.test("diff() shows changes not yet checkpointed and untracked files against the base", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "one\n");
  await worktree.checkpoint("One");
  await Deno.writeTextFile(path.join(worktree.path, "b.txt"), "not checkpointed\n");
  await Deno.writeTextFile(path.join(worktree.path, "new.txt"), "untracked\n");
  const diff = await worktree.diff();
  assert.match(diff, /^diff --git a\/a\.txt b\/a\.txt$/m);
  assert.match(diff, /^\+one$/m);
  assert.match(diff, /^\+not checkpointed$/m);
  assert.match(diff, /^diff --git a\/new\.txt b\/new\.txt$/m);
  assert.ok(!diff.includes("\x1b["), diff);
});

Deno.test("diff({ color: true }) has the terminal's colours", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "one\n");
  const diff = await worktree.diff({ color: true });
  assert.ok(diff.includes("\x1b[32m+"), diff);
});

Deno.test("merge() merges the branch into the current branch with a merge commit of two parents", async () => {
  await using repo = await fixture();
  const head = (await repo.git(["rev-parse", "HEAD"])).trim();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "c.txt"), "from the session\n");
  await worktree.checkpoint("Add c");
  assert.equal(await worktree.merge(), "main");
  const merge = (await repo.git(["rev-parse", "HEAD"])).trim();
  assert.deepEqual(
    (await show(repo, "%P", merge)).split(" "),
    [head, await worktree.tip()],
  );
  assert.equal((await repo.git(["symbolic-ref", "HEAD"])).trim(), "refs/heads/main");
  assert.equal(await Deno.readTextFile(path.join(repo.root, "c.txt")), "from the session\n");
  assert.equal(await repo.git(["status", "--porcelain"]), "");
  assert.equal(await worktree.merged(), true);
});

Deno.test("merge() checkpoints what the worktree holds first", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "c.txt"), "not checkpointed\n");
  await worktree.merge();
  assert.equal(await Deno.readTextFile(path.join(repo.root, "c.txt")), "not checkpointed\n");
  assert.equal((await worktree.checkpoints()).at(-1)?.message, BETWEEN_STEPS);
});

Deno.test("merge() with a conflict fails with git's message and leaves the checkout as git does", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "session\n");
  await worktree.checkpoint("Session's a");
  await repo.write("a.txt", "user\n");
  await repo.git(["commit", "-q", "-am", "User's a"]);
  const error = await worktree.merge().then(() => undefined, (error) => error);
  assert.ok(error instanceof GitCommandError, String(error));
  assert.match(error.message, /CONFLICT \(content\): Merge conflict in a\.txt/);
  assert.ok(await Deno.stat(path.join(repo.root, ".git", "MERGE_HEAD")));
  assert.match(await Deno.readTextFile(path.join(repo.root, "a.txt")), /^<<<<<<< /m);
  assert.equal(await worktree.merged(), false);
  assert.ok((await repo.git(["rev-parse", "--verify", `refs/heads/pygent/${ID}`])).trim());
});

Deno.test("merge() on a detached HEAD is a WorktreeError", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "c.txt"), "c\n");
  await worktree.checkpoint("Add c");
  await repo.git(["checkout", "-q", "--detach"]);
  await assertRejects(worktree.merge(), WorktreeError, /detached HEAD/);
});

Deno.test("merge() when the session changed nothing is a WorktreeError", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await assertRejects(worktree.merge(), WorktreeError, /changed no file/);
});

Deno.test("merge() when the session's changes were all undone is a WorktreeError", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "one\n");
  await worktree.checkpoint("One");
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "alpha\n");
  await worktree.checkpoint("Back");
  await assertRejects(worktree.merge(), WorktreeError, /changed no file/);
  await assertRejects(worktree.apply(), WorktreeError, /changed no file/);
});

Deno.test("apply() puts the changes in the checkout as uncommitted changes, index untouched", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "session\n");
  await Deno.writeTextFile(path.join(worktree.path, "c.txt"), "new\n");
  await Deno.remove(path.join(worktree.path, "b.txt"));
  await worktree.checkpoint("Step");
  const index = await Deno.readFile(path.join(repo.root, ".git", "index"));
  const head = (await repo.git(["rev-parse", "HEAD"])).trim();
  assert.deepEqual((await worktree.apply()).sort(), ["a.txt", "b.txt", "c.txt"]);
  assert.equal(await Deno.readTextFile(path.join(repo.root, "a.txt")), "session\n");
  assert.equal(await Deno.readTextFile(path.join(repo.root, "c.txt")), "new\n");
  assert.equal(await readOrUndefined(path.join(repo.root, "b.txt")), undefined);
  assert.deepEqual(await Deno.readFile(path.join(repo.root, ".git", "index")), index);
  assert.equal((await repo.git(["rev-parse", "HEAD"])).trim(), head);
  assert.equal(
    await repo.git(["status", "--porcelain"]),
    " M a.txt\n D b.txt\n?? c.txt\n",
  );
});

Deno.test("apply() lands on top of carried-over changes still in the checkout", async () => {
  await using repo = await fixture();
  await repo.write("a.txt", "alpha\ncarried\n");
  await repo.write("u.txt", "untracked\n");
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "alpha\ncarried\nsession\n");
  await Deno.writeTextFile(path.join(worktree.path, "u.txt"), "untracked\nsession\n");
  await worktree.checkpoint("Step");
  await worktree.apply();
  assert.equal(await Deno.readTextFile(path.join(repo.root, "a.txt")), "alpha\ncarried\nsession\n");
  assert.equal(await Deno.readTextFile(path.join(repo.root, "u.txt")), "untracked\nsession\n");
});

Deno.test("apply() of a patch that does not apply fails with git's message and changes nothing", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "session\n");
  await Deno.writeTextFile(path.join(worktree.path, "c.txt"), "new\n");
  await worktree.checkpoint("Step");
  await repo.write("a.txt", "the user changed it too\n");
  const before = await snapshot(repo.root);
  const error = await worktree.apply().then(() => undefined, (error) => error);
  assert.ok(error instanceof GitCommandError, String(error));
  assert.match(error.message, /patch does not apply/);
  assert.deepEqual(await snapshot(repo.root), before);
});

Deno.test("discard() removes the worktree folder, the branch and the base ref", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "a.txt"), "one\n");
  await worktree.checkpoint("One");
  await worktree.discard();
  assert.equal(await readOrUndefined(path.join(worktree.path, "a.txt")), undefined);
  await assert.rejects(Deno.stat(worktree.path), Deno.errors.NotFound);
  assert.equal(await repo.git(["for-each-ref", "refs/heads/pygent", "refs/pygent"]), "");
  assert.doesNotMatch(await repo.git(["worktree", "list"]), new RegExp(ID));
  await assert.rejects(
    SessionWorktree.open(await repo.repository(), ID, worktree.path),
    WorktreeError,
  );
});

Deno.test("two sessions started at once get their own branches and never see each other's files", async () => {
  await using repo = await fixture();
  const [one, two] = await Promise.all([start(repo, "one"), start(repo, "two")]);
  assert.notEqual(one.worktree.path, two.worktree.path);
  await Deno.writeTextFile(path.join(one.worktree.path, "one.txt"), "one\n");
  await Deno.writeTextFile(path.join(two.worktree.path, "two.txt"), "two\n");
  await Promise.all([one.worktree.checkpoint("One"), two.worktree.checkpoint("Two")]);
  assert.equal(await readOrUndefined(path.join(one.worktree.path, "two.txt")), undefined);
  assert.equal(await readOrUndefined(path.join(two.worktree.path, "one.txt")), undefined);
  assert.deepEqual((await one.worktree.checkpoints()).map((c) => c.files), [["one.txt"]]);
  assert.deepEqual((await two.worktree.checkpoints()).map((c) => c.files), [["two.txt"]]);
  assert.doesNotMatch(await one.worktree.diff(), /two\.txt/);
  await one.worktree.merge();
  await two.worktree.merge();
  assert.equal(await Deno.readTextFile(path.join(repo.root, "one.txt")), "one\n");
  assert.equal(await Deno.readTextFile(path.join(repo.root, "two.txt")), "two\n");
  assert.equal(await one.worktree.merged(), true);
  assert.equal(await two.worktree.merged(), true);
});

Deno.test("start() with the branch already there checks it out again, reattached", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "c.txt"), "kept\n");
  const checkpoint = await worktree.checkpoint("Keep c");
  await worktree.removeWorktree();
  await assert.rejects(Deno.stat(worktree.path), Deno.errors.NotFound);
  const closed = await SessionWorktree.open(await repo.repository(), ID, worktree.path);
  assert.equal(closed.checkedOut, false);
  const again = await start(repo);
  assert.deepEqual(again.start, { reattached: true, carried: [] });
  assert.equal(again.worktree.checkedOut, true);
  assert.equal(await Deno.readTextFile(path.join(worktree.path, "c.txt")), "kept\n");
  assert.equal(await again.worktree.tip(), checkpoint?.commit);
});

Deno.test("start() with the worktree still checked out opens it, reattached", async () => {
  await using repo = await fixture();
  await start(repo);
  const again = await start(repo);
  assert.deepEqual(again.start, { reattached: true, carried: [] });
  assert.equal(again.worktree.checkedOut, true);
});

Deno.test("open() finds the worktree through a path with a symbolic link in it", async () => {
  await using repo = await fixture();
  const link = path.join(repo.dir, "link");
  await Deno.mkdir(path.join(repo.dir, "real"));
  await Deno.symlink(path.join(repo.dir, "real"), link);
  const worktreePath = path.join(link, ID);
  const { worktree } = await SessionWorktree.start(await repo.repository(), ID, worktreePath);
  assert.equal(worktree.checkedOut, true);
  await Deno.writeTextFile(path.join(worktreePath, "c.txt"), "c\n");
  assert.ok(await worktree.checkpoint("Add c"));
  await worktree.discard();
  await assert.rejects(Deno.stat(worktreePath), Deno.errors.NotFound);
});

Deno.test("a checkpoint keeps the submodules a new worktree has not checked out", async () => {
  await using repo = await fixture();
  const library = path.join(repo.dir, "library");
  await Deno.mkdir(library);
  await repo.git(["init", "-q", "-b", "main"], library);
  await repo.git([
    "-c",
    "user.name=U",
    "-c",
    "user.email=u@x",
    "commit",
    "-q",
    "--allow-empty",
    "-m",
    "lib",
  ], library);
  await repo.git([
    "-c",
    "protocol.file.allow=always",
    "submodule",
    "add",
    "-q",
    library,
    "vendor/lib",
  ]);
  await repo.git(["commit", "-q", "-m", "Add the submodule"]);
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "c.txt"), "sea\n");
  const checkpoint = await worktree.checkpoint("Add c");
  assert.deepEqual(checkpoint?.files, ["c.txt"]);
  assert.match(await repo.git(["ls-tree", worktree.branch, "vendor/lib"]), /^160000 commit /);
});

Deno.test("start() again after a merge makes the base the merged tip: only new work is the session's", async () => {
  await using repo = await fixture();
  const { worktree } = await start(repo);
  await Deno.writeTextFile(path.join(worktree.path, "c.txt"), "merged\n");
  await worktree.checkpoint("Merged step");
  await worktree.merge();
  await worktree.removeWorktree();
  const again = await start(repo);
  assert.equal(again.start.reattached, true);
  assert.deepEqual(await again.worktree.checkpoints(), []);
  assert.equal(await again.worktree.diff(), "");
});
