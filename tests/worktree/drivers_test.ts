// The user's filter drivers: run on what comes from the user, never on what the sandbox chose.
import assert from "node:assert/strict";
import path from "node:path";
import { SessionWorktree, WorktreeError } from "../../lib/worktree/mod.ts";
import { assertNoMarker, assertRejects, type Fixture, fixture, markersIn } from "./fixture.ts";

const ID = "20261202-130000-0d01";

/** A filter like git-crypt's: stored with a prefix, checked out without it. */
async function prefixFilter(repo: Fixture): Promise<void> {
  await repo.git(["config", "filter.seal.clean", "sed 's/^/SEALED:/'"]);
  await repo.git(["config", "filter.seal.smudge", "sed 's/^SEALED://'"]);
  await repo.write(".gitattributes", "*.secret filter=seal\n");
  await repo.git(["add", ".gitattributes"]);
  await repo.git(["commit", "-q", "-m", "Seal secrets"]);
}

async function start(repo: Fixture) {
  return await SessionWorktree.start(await repo.repository(), ID, repo.worktreePath(ID));
}

Deno.test("carried changes are stored through the user's filters, as git add stores them", async () => {
  await using repo = await fixture();
  await prefixFilter(repo);
  await repo.write("a.secret", "token=abc\n");
  const { worktree, start: started } = await start(repo);
  assert.deepEqual(started.carried, ["a.secret"]);
  assert.equal(
    await repo.git(["cat-file", "-p", `${await worktree.base()}:a.secret`]),
    "SEALED:token=abc\n",
  );
});

Deno.test("merging a session that changed no .gitattributes checks files out through the user's filters", async () => {
  await using repo = await fixture();
  await prefixFilter(repo);
  await repo.write("a.secret", "token=abc\n");
  const { worktree } = await start(repo);
  await repo.write("c.txt", "sea\n", worktree.path);
  await worktree.checkpoint("Add c");
  await worktree.merge();
  assert.equal(await Deno.readTextFile(path.join(repo.root, "a.secret")), "token=abc\n");
  assert.equal(await repo.git(["status", "--porcelain"]), "");
});

Deno.test("applying a session that wrote a .gitattributes runs none of the user's drivers", async () => {
  await using repo = await fixture();
  const marker = (name: string) => `touch '${path.join(repo.markers, name)}'`;
  await repo.git(["config", "filter.mark.clean", `${marker("clean")}; cat`]);
  await repo.git(["config", "filter.mark.smudge", `${marker("smudge")}; cat`]);
  const { worktree } = await start(repo);
  await repo.write(".gitattributes", "* filter=mark\n", worktree.path);
  await repo.write("a.txt", "changed\n", worktree.path);
  await worktree.checkpoint("Mark everything");
  await worktree.apply();
  assert.equal(await Deno.readTextFile(path.join(repo.root, "a.txt")), "changed\n");
  await assertNoMarker(repo.markers, "after apply");
  // Control: plain git, which reads that file, runs the user's clean filter.
  await repo.git(["add", "-A"]);
  assert.ok((await markersIn(repo.markers)).includes("clean"));
});

Deno.test("merge() refuses files the session wrote where the user's attributes name a filter", async () => {
  await using repo = await fixture();
  await prefixFilter(repo);
  const { worktree } = await start(repo);
  await repo.write("new.secret", "API_KEY=plain\n", worktree.path);
  await worktree.checkpoint("Add a secret");
  const head = await repo.git(["rev-parse", "HEAD"]);
  await assertRejects(
    worktree.merge(),
    WorktreeError,
    /new\.secret, which your \.gitattributes sends through a filter/,
  );
  assert.equal(await repo.git(["rev-parse", "HEAD"]), head, "nothing was merged");
  await worktree.apply();
  await repo.git(["add", "new.secret"]);
  assert.equal(await repo.git(["cat-file", "-p", ":new.secret"]), "SEALED:API_KEY=plain\n");
});
