import assert from "node:assert/strict";
import path from "node:path";
import {
  findRepository,
  Git,
  GitCommandError,
  SessionWorktree,
  worktreePath,
  WorktreeSetupError,
} from "../../lib/worktree/mod.ts";
import { assertNoMarker, assertRejects, fixture, markersIn } from "./fixture.ts";

Deno.test("findRepository() of a folder in no repository is a WorktreeSetupError naming it", async () => {
  await using repo = await fixture();
  const folder = path.join(repo.dir, "markers");
  await assertRejects(
    findRepository(folder),
    WorktreeSetupError,
    new RegExp(`^--worktree needs a git repository: ${folder} is not one`),
  );
});

Deno.test("findRepository() of a missing folder is a WorktreeSetupError", async () => {
  await using repo = await fixture();
  await assertRejects(
    findRepository(path.join(repo.dir, "missing")),
    WorktreeSetupError,
    /^--worktree needs a git repository: .*missing is not a folder/,
  );
});

Deno.test("start() in a repository with no commit is a WorktreeSetupError", async () => {
  await using repo = await fixture({ commit: false });
  await assertRejects(
    SessionWorktree.start(await repo.repository(), "s", repo.worktreePath("s")),
    WorktreeSetupError,
    /needs a commit to start from/,
  );
  assert.equal(await repo.git(["for-each-ref"]), "");
});

Deno.test("with no git on the host, findRepository() is a WorktreeSetupError naming git", async () => {
  await using repo = await fixture();
  const empty = path.join(repo.dir, "empty-path");
  await Deno.mkdir(empty);
  const mod = new URL("../../lib/worktree/mod.ts", import.meta.url).href;
  const script = `
    const { findRepository } = await import(${JSON.stringify(mod)});
    try {
      await findRepository(${JSON.stringify(repo.root)});
      console.log("no error");
    } catch (error) {
      console.log(error.name + ": " + error.message);
    }
  `;
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", script],
    env: { PATH: empty },
    stdin: "null",
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  assert.match(stdout, /^WorktreeSetupError: Worktree sessions need git on the host/);
});

Deno.test("Git.run() rejects with git's own message and exit code", async () => {
  await using repo = await fixture();
  const error = await assertRejects(
    new Git({ cwd: repo.root }).run(["rev-parse", "--verify", "no-such-ref"]),
    GitCommandError,
    /^git rev-parse failed \(exit code 128\):\nfatal: Needed a single revision/,
  );
  assert.equal(error.command, "rev-parse");
  assert.equal(error.exitCode, 128);
});

Deno.test("Git.run() runs none of the repository's hooks", async () => {
  await using repo = await fixture();
  const marker = path.join(repo.markers, "hook");
  for (const hook of ["pre-commit", "post-commit", "reference-transaction"]) {
    const file = path.join(repo.root, ".git", "hooks", hook);
    await Deno.writeTextFile(file, `#!/bin/sh\ntouch '${marker}-${hook}'\n`, { mode: 0o755 });
  }
  await new Git({ cwd: repo.root }).run(["commit", "-q", "--allow-empty", "-m", "hardened"]);
  await assertNoMarker(repo.markers, "after a hardened commit");
  // Control: plain git runs them.
  await repo.git(["commit", "-q", "--allow-empty", "-m", "plain"]);
  assert.deepEqual(await markersIn(repo.markers), [
    "hook-post-commit",
    "hook-pre-commit",
    "hook-reference-transaction",
  ]);
});

Deno.test("Git.run() runs no core.fsmonitor program", async () => {
  await using repo = await fixture();
  const marker = path.join(repo.markers, "fsmonitor");
  await repo.git(["config", "core.fsmonitor", `touch '${marker}'; false`]);
  await new Git({ cwd: repo.root }).run(["status", "--porcelain"]);
  await assertNoMarker(repo.markers, "after a hardened status");
  await repo.git(["status", "--porcelain"]);
  assert.deepEqual(await markersIn(repo.markers), ["fsmonitor"]);
});

Deno.test("Git.run() runs none of the filter, textconv and merge drivers the user's config defines", async () => {
  await using repo = await fixture();
  const touch = (name: string, then: string) => `touch '${path.join(repo.markers, name)}'; ${then}`;
  await repo.git(["config", "filter.mark.clean", touch("clean", "cat")]);
  await repo.git(["config", "filter.mark.smudge", touch("smudge", "cat")]);
  await repo.git(["config", "diff.mark.textconv", touch("textconv", "cat")]);
  await repo.git(["config", "diff.mark.command", touch("diff-command", "true")]);
  await repo.git(["config", "merge.mark.driver", touch("merge", "true")]);
  await repo.write(".gitattributes", "*.txt filter=mark diff=mark merge=mark\n");
  await repo.git(["-c", "filter.mark.clean=", "add", "-A"]);
  await repo.git(["-c", "filter.mark.clean=", "commit", "-q", "-m", "attributes"]);
  await repo.git(["branch", "other"]);
  await repo.write("a.txt", "alpha\nours\n");
  const git = new Git({ cwd: repo.root });
  await git.run(["commit", "-q", "-am", "ours"]);
  await git.run(["checkout", "-q", "other"]);
  await repo.write("a.txt", "alpha\ntheirs\n");
  await git.run(["commit", "-q", "-am", "theirs"]);
  await git.run(["diff", "--no-ext-diff", "HEAD~1", "HEAD"]);
  await git.run(["log", "-p", "--no-ext-diff", "-1"]);
  const merge = await git.run(["merge", "--no-edit", "main"], { okCodes: [1] });
  assert.match(merge.stdout, /CONFLICT \(content\): Merge conflict in a\.txt/);
  await assertNoMarker(repo.markers, "after hardened commands");
  // Control: plain git runs the merge driver and the textconv.
  await git.run(["merge", "--abort"]);
  await repo.git(["merge", "--no-edit", "main"]);
  await repo.git(["log", "-p", "--no-ext-diff", "-1", "main"]);
  const markers = await markersIn(repo.markers);
  assert.ok(markers.includes("merge"), markers.join());
  assert.ok(markers.includes("textconv"), markers.join());
});

Deno.test("a session id that is a path or git syntax is a WorktreeSetupError", async () => {
  await using repo = await fixture();
  for (const id of ["../escape", "a..b", "with space", "-dash", ""]) {
    await assertRejects(
      SessionWorktree.start(await repo.repository(), id, repo.worktreePath("x")),
      WorktreeSetupError,
      /cannot name a branch and a folder/,
    );
  }
  assert.throws(() => worktreePath("../x", () => "/home/me"), WorktreeSetupError);
});
