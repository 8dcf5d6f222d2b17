/**
 * Issue 14 §1: nothing the sandbox can write is ever run, or read as configuration, by the
 * host's git. Each test has a real container write into the session's worktree, then runs
 * Pygent's git operations and looks for a marker file that the written hook, fsmonitor or driver
 * would make on the host (outside the worktree, where the sandbox cannot see); and each shows,
 * with plain git, that the marker would appear if git were not hardened.
 */

import assert from "node:assert/strict";
import path from "node:path";
import { LazyRuntime } from "../../lib/runtime/mod.ts";
import { SessionWorktree } from "../../lib/worktree/mod.ts";
import { dockerTest, TEST_IMAGE } from "../support/docker.ts";
import { assertNoMarker, type Fixture, fixture, markersIn, runGit } from "./fixture.ts";

const ID = "20261202-120000-5ec0";

/** A session's worktree in a fresh repository, with a container on it; all removed after `fn`. */
async function withSandbox(
  fn: (
    repo: Fixture,
    worktree: SessionWorktree,
    sh: (command: string) => Promise<{ exitCode: number; stdout: string; stderr: string }>,
  ) => Promise<void>,
  setup: (repo: Fixture) => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  await using repo = await fixture();
  await setup(repo);
  const { worktree } = await SessionWorktree.start(
    await repo.repository(),
    ID,
    repo.worktreePath(ID),
  );
  const runtime = new LazyRuntime({ docker: true, image: TEST_IMAGE, workspace: worktree.path });
  try {
    await fn(repo, worktree, (command) => runtime.bash(command, { timeoutMs: 30_000 }));
  } finally {
    await runtime.cleanup();
  }
}

/** A shell command that makes `marker` (a host path). */
const touch = (marker: string) => `touch '${marker}'`;

dockerTest(
  "the sandbox cannot write a hook into the worktree's .git, and no hook runs on the host",
  async () => {
    await withSandbox(async (repo, worktree, sh) => {
      const marker = path.join(repo.markers, "post-commit");
      const pointer = await Deno.readTextFile(path.join(worktree.path, ".git"));
      const hook = `#!/bin/sh\n${touch(marker)}\n`;
      const attempt = await sh(
        `mkdir -p .git/hooks && printf '%s' '${hook}' > .git/hooks/post-commit && ` +
          `chmod +x .git/hooks/post-commit`,
      );
      assert.notEqual(attempt.exitCode, 0, attempt.stdout);
      for (const command of ["rm -f .git", "mv .git moved", "printf 'gitdir: /tmp' > .git"]) {
        assert.notEqual((await sh(command)).exitCode, 0, command);
      }
      assert.equal(await Deno.readTextFile(path.join(worktree.path, ".git")), pointer);
      // The pointer names a host path that does not exist inside.
      const inside = await sh('cat .git; test -e "$(sed \'s/^gitdir: //\' .git)"; echo "$?"');
      assert.match(inside.stdout, new RegExp(`^gitdir: ${repo.root}/\\.git/worktrees/`));
      assert.match(inside.stdout, /\n1\n$/);
      assert.equal((await sh("echo step > a.txt")).exitCode, 0);
      assert.ok(await worktree.checkpoint("Step"));
      await worktree.diff();
      await worktree.merge();
      await assertNoMarker(repo.markers, "after checkpoint, diff and merge");
      // Control: the same hook where git would look for it runs under plain git.
      await Deno.writeTextFile(path.join(repo.root, ".git", "hooks", "post-commit"), hook, {
        mode: 0o755,
      });
      await repo.git(["commit", "-q", "--allow-empty", "-m", "plain"]);
      assert.deepEqual(await markersIn(repo.markers), ["post-commit"]);
    });
  },
);

dockerTest(
  "the sandbox cannot write core.fsmonitor into the worktree's .git/config, and none runs on the host",
  async () => {
    await withSandbox(async (repo, worktree, sh) => {
      const marker = path.join(repo.markers, "fsmonitor");
      const config = `[core]\n\tfsmonitor = ${touch(marker)}\n`;
      const attempt = await sh(`printf '%s' '${config}' > .git/config`);
      assert.notEqual(attempt.exitCode, 0);
      assert.equal((await sh("echo step > a.txt")).exitCode, 0);
      assert.ok(await worktree.checkpoint("Step"));
      await worktree.diff();
      assert.ok(await worktree.undo());
      await assertNoMarker(repo.markers, "after checkpoint, diff and undo");
      // Control: the same config where git reads it runs the program under plain git.
      await Deno.writeTextFile(path.join(repo.root, ".git", "config"), config, { append: true });
      await repo.git(["status", "--porcelain"]);
      assert.deepEqual(await markersIn(repo.markers), ["fsmonitor"]);
    });
  },
);

dockerTest(
  "a .gitattributes the sandbox writes runs none of the user's filter, textconv and merge drivers",
  async () => {
    let markers = "";
    const defineDrivers = async (repo: Fixture) => {
      markers = repo.markers;
      const run = (name: string, then: string) => `${touch(path.join(markers, name))}; ${then}`;
      await repo.git(["config", "filter.mark.clean", run("clean", "cat")]);
      await repo.git(["config", "filter.mark.smudge", run("smudge", "cat")]);
      await repo.git(["config", "diff.mark.textconv", run("textconv", "cat")]);
      await repo.git(["config", "merge.mark.driver", run("merge", "true")]);
    };
    await withSandbox(async (repo, worktree, sh) => {
      const write = await sh(
        "printf '* filter=mark diff=mark merge=mark\\n' > .gitattributes && echo one > a.txt",
      );
      assert.equal(write.exitCode, 0, write.stderr);
      assert.ok(await worktree.checkpoint("One"));
      assert.equal((await sh("echo two > a.txt && echo two > c.txt")).exitCode, 0);
      assert.ok(await worktree.checkpoint("Two"));
      await worktree.diff();
      await worktree.diff({ color: true });
      assert.ok(await worktree.undo());
      assert.equal((await sh("cat a.txt")).stdout, "one\n");
      // The user's branch moves on too, so the merge is a real one.
      await repo.write("b.txt", "bravo\nuser\n");
      await repo.git(["commit", "-q", "-am", "User"]);
      await worktree.merge();
      assert.equal(
        await Deno.readTextFile(path.join(repo.root, ".gitattributes")),
        "* filter=mark diff=mark merge=mark\n",
      );
      // The first session checked out again (a resumed session): a checkout of those files.
      await worktree.removeWorktree();
      const again = await SessionWorktree.start(await repo.repository(), ID, worktree.path);
      assert.equal(again.start.reattached, true);
      await assertNoMarker(repo.markers, "after checkpoint, diff, undo, merge and a reattach");
      // Control: plain git runs the clean filter and the textconv selected by that file.
      await repo.write("a.txt", "changed by the user\n");
      await repo.git(["add", "-A"]);
      await repo.git(["diff", "--cached", "HEAD"]);
      const control = await markersIn(repo.markers);
      assert.ok(control.includes("clean") && control.includes("textconv"), control.join());
    }, defineDrivers);
  },
);

dockerTest(
  "a repository the sandbox nests in the worktree has none of its fsmonitor, hooks or filters run",
  async () => {
    await withSandbox(async (repo, worktree, sh) => {
      // The nested repository is made on the host (the image has no git) and written by the
      // sandbox from a tar archive.
      const staging = path.join(repo.dir, "staging");
      const sub = path.join(staging, "sub");
      await Deno.mkdir(sub, { recursive: true });
      const git = (args: string[]) => runGit(args, sub);
      await git(["init", "-q", "-b", "main"]);
      await git(["config", "user.name", "Sandbox"]);
      await git(["config", "user.email", "sandbox@example.com"]);
      await Deno.writeTextFile(path.join(sub, ".gitattributes"), "* filter=evil\n");
      await Deno.writeTextFile(path.join(sub, "x.txt"), "x\n");
      await git(["add", "-A"]);
      await git(["commit", "-q", "-m", "nested"]);
      await git(["config", "core.fsmonitor", touch(path.join(repo.markers, "fsmonitor"))]);
      await git(["config", "filter.evil.clean", `${touch(path.join(repo.markers, "clean"))}; cat`]);
      for (const hook of ["pre-commit", "post-commit", "post-checkout", "reference-transaction"]) {
        await Deno.writeTextFile(
          path.join(sub, ".git", "hooks", hook),
          `#!/bin/sh\n${touch(path.join(repo.markers, hook))}\n`,
          { mode: 0o755 },
        );
      }
      const tar = await new Deno.Command("tar", { args: ["-C", staging, "-czf", "-", "sub"] })
        .output();
      assert.ok(tar.success);
      const archive = btoa(String.fromCharCode(...tar.stdout));
      const written = await sh(`echo '${archive}' | base64 -d | tar -xzf - -C /workspace`);
      assert.equal(written.exitCode, 0, written.stderr);
      assert.ok(await worktree.checkpoint("Nested"));
      // The sandbox changes a file of the nested repository: git would check it again.
      assert.equal((await sh("echo changed >> sub/x.txt")).exitCode, 0);
      await worktree.checkpoint("Nested again");
      assert.equal((await sh("echo more >> sub/x.txt && echo step > a.txt")).exitCode, 0);
      assert.ok(await worktree.checkpoint("Step"));
      await worktree.diff();
      assert.ok(await worktree.undo());
      await assertNoMarker(repo.markers, "after checkpoint, diff and undo");
      // Control: plain git in the worktree has the nested repository run its filter.
      assert.equal((await sh("echo control >> sub/x.txt")).exitCode, 0);
      await runGit(["add", "-A"], worktree.path);
      assert.ok((await markersIn(repo.markers)).includes("clean"));
    });
  },
);

dockerTest(
  "hooks the sandbox writes in a relative core.hooksPath of the user's config are not run",
  async () => {
    const hooks = [
      "pre-commit",
      "post-commit",
      "pre-merge-commit",
      "post-merge",
      "post-checkout",
      "reference-transaction",
    ];
    await withSandbox(async (repo, worktree, sh) => {
      const script = hooks.map((hook) =>
        `printf '#!/bin/sh\\ntouch %s\\n' '${path.join(repo.markers, hook)}' > .husky/${hook}`
      ).join(" && ");
      const written = await sh(`mkdir .husky && ${script} && chmod +x .husky/*`);
      assert.equal(written.exitCode, 0, written.stderr);
      assert.equal((await sh("echo step > a.txt")).exitCode, 0);
      assert.ok(await worktree.checkpoint("Step"));
      assert.equal((await sh("echo two > a.txt")).exitCode, 0);
      assert.ok(await worktree.checkpoint("Two"));
      assert.ok(await worktree.undo());
      await worktree.diff();
      await repo.write("b.txt", "bravo\nuser\n");
      await repo.git(["commit", "-q", "-am", "User"]);
      await worktree.merge();
      assert.ok(await Deno.stat(path.join(repo.root, ".husky", "post-merge")));
      await assertNoMarker(repo.markers, "after checkpoint, undo, diff and merge");
      // Control: plain git in the worktree runs the sandbox's hooks.
      await runGit(["commit", "-q", "--allow-empty", "-m", "plain"], worktree.path);
      assert.ok((await markersIn(repo.markers)).includes("pre-commit"));
    }, (repo) => repo.git(["config", "core.hooksPath", ".husky"]).then(() => {}));
  },
);
