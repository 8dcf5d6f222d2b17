import assert from "node:assert/strict";
import { load, tree, USER_FILE } from "./_helpers.ts";

Deno.test("worktree is off unless something sets it", async () => {
  await using t = await tree();
  const { settings } = await load(t);
  assert.deepEqual(settings.worktree, { value: false, source: "default" });
});

Deno.test("--worktree and PYGENT_WORKTREE set worktree", async () => {
  await using t = await tree();
  const fromFlag = await load(t, { flags: { worktree: true } });
  assert.deepEqual(fromFlag.settings.worktree, { value: true, source: "flag", name: "--worktree" });
  const fromEnv = await load(t, { env: { PYGENT_WORKTREE: "yes" } });
  assert.equal(fromEnv.settings.worktree.value, true);
});

Deno.test("an untrusted project file may put sessions on a branch", async () => {
  await using t = await tree({ ".pygent/config.toml": "worktree = true\n" });
  const { settings, notices } = await load(t);
  assert.equal(settings.worktree.value, true);
  assert.deepEqual(notices, []);
});

Deno.test("an untrusted project file cannot turn off the user's worktree = true", async () => {
  await using t = await tree({
    [USER_FILE]: "worktree = true\n",
    ".pygent/config.toml": "worktree = false\n",
  });
  const { settings, notices } = await load(t);
  assert.equal(settings.worktree.value, true);
  assert.match(notices[0], /worktree = false ignored/);
});
