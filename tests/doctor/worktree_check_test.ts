import assert from "node:assert/strict";
import { checkWorktree } from "../../lib/doctor/worktree_check.ts";

async function git(cwd: string, ...args: string[]): Promise<void> {
  const { code } = await new Deno.Command("git", { args, cwd, stdout: "null" }).output();
  assert.equal(code, 0, `git ${args.join(" ")}`);
}

Deno.test("checkWorktree() with worktree off says sessions change the folder itself", async () => {
  const outcome = await checkWorktree({ enabled: false, folder: "/nonexistent" });
  assert.equal(outcome.status, "ok");
  assert.match(outcome.summary, /^off: sessions change the workspace folder itself/);
});

Deno.test("checkWorktree() in a repository with a commit names git, the repository and the branch", async () => {
  const folder = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-doctor-wt-" }));
  try {
    await git(folder, "init", "-q", "-b", "main");
    await git(
      folder,
      "-c",
      "user.name=U",
      "-c",
      "user.email=u@x",
      "commit",
      "-q",
      "--allow-empty",
      "-m",
      "first",
    );
    const outcome = await checkWorktree({ enabled: true, folder });
    assert.equal(outcome.status, "ok");
    assert.match(
      outcome.summary,
      new RegExp(
        `^git version \\S+; each session gets a branch pygent/ID of ${folder}, made from main \\([0-9a-f]{7}\\)$`,
      ),
    );
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("checkWorktree() outside a repository fails and says what to do", async () => {
  const folder = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-doctor-wt-" }));
  try {
    const outcome = await checkWorktree({ enabled: true, folder });
    assert.equal(outcome.status, "fail");
    assert.match(outcome.summary, /--worktree needs a git repository: .* is not one/);
    assert.match(outcome.remediation ?? "", /--no-worktree/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
