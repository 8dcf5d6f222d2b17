import assert from "node:assert/strict";
import { lockSession, SessionWorktree, WorktreeError } from "../../lib/worktree/mod.ts";
import { assertRejects, type Fixture, fixture, holdLock } from "./fixture.ts";

const ID = "20261202-140000-0e01";
async function session(repo: Fixture) {
  const started = await SessionWorktree.start(await repo.repository(), ID, repo.worktreePath(ID));
  return started.worktree;
}

Deno.test("a session another live pygent holds cannot be started again, until it ends", async () => {
  await using repo = await fixture();
  const worktree = await session(repo);
  const other = await holdLock(worktree.path, ID);
  try {
    await assertRejects(
      SessionWorktree.start(await repo.repository(), ID, worktree.path),
      WorktreeError,
      new RegExp(`Session ${ID} is running in another pygent \\(pid ${other.pid} `),
    );
  } finally {
    other.kill("SIGKILL");
    await other.status;
  }
  const again = await SessionWorktree.start(await repo.repository(), ID, worktree.path);
  assert.equal(again.start.reattached, true, "a lock whose process is gone is taken over");
});

Deno.test("discard() removes the session's lock with its worktree", async () => {
  await using repo = await fixture();
  const worktree = await session(repo);
  await lockSession(worktree.path, ID);
  await worktree.discard();
  await assert.rejects(Deno.stat(`${worktree.path}.lock`), Deno.errors.NotFound);
});
