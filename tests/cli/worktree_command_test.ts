import assert from "node:assert/strict";
import path from "node:path";
import { runDiffCommand } from "../../lib/cli/worktree_command.ts";
import { sessionsDir, SessionWriter } from "../../lib/sessions/mod.ts";
import { runCli } from "./cli_process.ts";
import { branchExists, exists, type Place, place } from "./worktree_sessions.ts";
import { holdLock, runGit } from "../worktree/fixture.ts";

const FIRST = "20261202-101500-0a1b";
const SECOND = "20261202-111500-0c2d";

/** Every file of the checkout, `.git/index` and `.git/HEAD` included, by its bytes. */
async function checkoutBytes(repo: string): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(repo, full);
      if ([".git/objects", ".git/logs", ".git/refs", ".git/worktrees"].includes(relative)) {
        continue;
      }
      if (entry.isDirectory) await walk(full);
      else state[relative] = await sha256(await Deno.readFile(full));
    }
  };
  await walk(repo);
  state["refs"] = await runGit(["for-each-ref", "--format=%(refname) %(objectname)"], repo);
  return state;
}

/** The work tree's files, the index's entries and `HEAD`: what git merge leaves alone when it refuses. */
async function checkoutContent(repo: string): Promise<Record<string, string>> {
  const files = Object.entries(await checkoutBytes(repo)).filter(([name]) =>
    !name.startsWith(".git/")
  );
  return {
    ...Object.fromEntries(files),
    "index entries": await runGit(["ls-files", "--stage"], repo),
    status: await runGit(["status", "--porcelain"], repo),
  };
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A function call's output, for the commands tested without a process. */
function io(at: Place, options: { terminal: boolean; env?: Record<string, string> }) {
  const written = { out: "", err: "" };
  const env = { ...at.env, ...options.env };
  return {
    written,
    io: {
      out: (text: string) => written.out += text,
      err: (text: string) => written.err += text,
      getEnv: (name: string) => env[name as keyof typeof env],
      cwd: at.repo,
      stdoutIsTerminal: options.terminal,
    },
  };
}

Deno.test("pygent diff ID prints only the session's whole diff, which git apply takes", async () => {
  await using at = await place();
  await at.session(FIRST, [{ "a.txt": "alpha\nbeta\n" }, { "new.txt": "new\n" }]);
  const result = await at.pygent(["diff", FIRST]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, "");
  assert.match(result.stdout, /^diff --git a\/a\.txt b\/a\.txt\n/);
  assert.match(result.stdout, /^\+beta$/m);
  assert.match(result.stdout, /^\+\+\+ b\/new\.txt$/m);
  assert.ok(!result.stdout.includes("\x1b"));
  await runGit(["apply", "--check", "-"], at.repo, result.stdout);
});

Deno.test("pygent diff on a terminal is coloured, with control characters as escapes", async () => {
  await using at = await place();
  await at.session(FIRST, [{ "a.txt": "alpha\nclear \x1b[2J screen\n" }]);
  const { io: terminal, written } = io(at, { terminal: true });
  assert.equal(await runDiffCommand([FIRST], terminal), 0, written.err);
  assert.ok(written.out.includes("\x1b[32m+clear ^[[2J screen\x1b[39m"), written.out);
  assert.ok(written.out.includes("\x1b[1mdiff --git a/a.txt b/a.txt\x1b[22m"), written.out);
  assert.ok(!written.out.includes("\x1b[2J"));
});

Deno.test("pygent diff on a terminal with NO_COLOR is not coloured", async () => {
  await using at = await place();
  await at.session(FIRST, [{ "a.txt": "alpha\nbeta\n" }]);
  const { io: terminal, written } = io(at, { terminal: true, env: { NO_COLOR: "1" } });
  assert.equal(await runDiffCommand([FIRST], terminal), 0, written.err);
  assert.match(written.out, /^\+beta$/m);
  assert.ok(!written.out.includes("\x1b"));
});

Deno.test("pygent merge ID merges the branch with its history and removes the worktree", async () => {
  await using at = await place();
  const worktree = await at.session(FIRST, [{ "a.txt": "alpha\nbeta\n" }, { "b.txt": "b\n" }]);
  const tip = await worktree.tip();
  const result = await at.pygent(["merge", FIRST]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    `Merged pygent/${FIRST} into main of ${at.repo} (2 checkpoints). Removed its worktree ` +
      `${worktree.path}; the branch stays.\n`,
  );
  const parents = (await at.git(["rev-list", "--parents", "-n", "1", "HEAD"])).trim().split(" ");
  assert.equal(parents.length, 3);
  assert.equal(parents[2], tip);
  assert.equal(await at.git(["log", "-1", "--format=%s"]), `Merge branch 'pygent/${FIRST}'\n`);
  assert.equal(await Deno.readTextFile(path.join(at.repo, "a.txt")), "alpha\nbeta\n");
  assert.equal(await at.git(["status", "--porcelain"]), "");
  assert.equal(await exists(worktree.path), false);
  assert.ok(await branchExists(at.repo, `pygent/${FIRST}`));
});

Deno.test("pygent merge stops on a conflict with git's message, the merge left to the user", async () => {
  await using at = await place();
  const worktree = await at.session(FIRST, [{ "a.txt": "session\n" }]);
  await Deno.writeTextFile(path.join(at.repo, "a.txt"), "user\n");
  await at.git(["commit", "-q", "-am", "The user's change"]);
  const result = await at.pygent(["merge", FIRST]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^pygent: git merge failed:\n/);
  assert.match(result.stderr, /^CONFLICT \(content\): Merge conflict in a\.txt$/m);
  assert.match(
    result.stderr,
    new RegExp(
      `Resolve the conflicts and commit \\(or git merge --abort\\); the branch pygent/${FIRST} ` +
        `is kept, and pygent merge ${FIRST} again then removes its worktree\\.\n$`,
    ),
  );
  assert.ok(await exists(path.join(at.repo, ".git", "MERGE_HEAD")));
  assert.match(await Deno.readTextFile(path.join(at.repo, "a.txt")), /^<<<<<<< HEAD\nuser\n/);
  assert.ok(await branchExists(at.repo, `pygent/${FIRST}`));
  assert.ok(await exists(worktree.path));
});

Deno.test("pygent merge refused by uncommitted changes made since the session began says what to do", async () => {
  await using at = await place();
  await Deno.writeTextFile(path.join(at.repo, "a.txt"), "alpha\nuncommitted\n");
  await at.session(FIRST, [{ "new.txt": "new\n" }]);
  await Deno.writeTextFile(path.join(at.repo, "a.txt"), "alpha\nchanged since\n");
  const before = await checkoutContent(at.repo);
  const result = await at.pygent(["merge", FIRST]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /Your local changes to the following files would be overwritten/);
  assert.match(
    result.stderr,
    new RegExp(
      `commit or stash them first; or run pygent apply ${FIRST} to get only the session's ` +
        "changes as uncommitted changes",
    ),
  );
  assert.deepEqual(await checkoutContent(at.repo), before);
});

Deno.test("pygent apply ID puts the session's changes in the checkout, uncommitted", async () => {
  await using at = await place();
  const worktree = await at.session(FIRST, [{ "a.txt": "alpha\nbeta\n", "new.txt": "new\n" }]);
  const head = await at.git(["rev-parse", "HEAD"]);
  const result = await at.pygent(["apply", FIRST.slice(0, 12)]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    `Applied pygent/${FIRST} to ${at.repo} as uncommitted changes (2 files):\n` +
      "  a.txt\n  new.txt\n" +
      `The branch pygent/${FIRST} and its worktree ${worktree.path} stay; pygent discard ` +
      `${FIRST} removes them.\n`,
  );
  assert.equal(await at.git(["status", "--porcelain"]), " M a.txt\n?? new.txt\n");
  assert.equal(await Deno.readTextFile(path.join(at.repo, "new.txt")), "new\n");
  assert.equal(await at.git(["rev-parse", "HEAD"]), head);
  assert.ok(await branchExists(at.repo, `pygent/${FIRST}`));
  assert.ok(await exists(worktree.path));
});

Deno.test("pygent apply that does not apply leaves the checkout unchanged, byte for byte", async () => {
  await using at = await place();
  await at.session(FIRST, [{ "a.txt": "session\n", "new.txt": "new\n" }]);
  await Deno.writeTextFile(path.join(at.repo, "a.txt"), "user\n");
  await at.git(["add", "a.txt"]);
  await Deno.writeTextFile(path.join(at.repo, "untracked.txt"), "mine\n");
  const before = await checkoutBytes(at.repo);
  const result = await at.pygent(["apply", FIRST]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^pygent: git apply failed:\n.*patch failed: a\.txt:1$/m);
  assert.match(result.stderr, /Nothing was changed in your checkout\.\n$/);
  assert.deepEqual(await checkoutBytes(at.repo), before);
});

Deno.test("pygent discard ID refuses while another pygent works on the session", async () => {
  await using at = await place();
  const worktree = await at.session(FIRST, [{ "a.txt": "kept\n" }]);
  const other = await holdLock(worktree.path, FIRST);
  try {
    const result = await at.pygent(["discard", FIRST]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`^pygent: Session ${FIRST} is running in another pygent \\(pid ${other.pid} `),
    );
    assert.ok(await exists(worktree.path));
    assert.ok(await branchExists(at.repo, `pygent/${FIRST}`));
  } finally {
    other.kill("SIGKILL");
    await other.status;
  }
});

Deno.test("pygent discard ID removes the worktree and the branch, and says so", async () => {
  await using at = await place();
  const worktree = await at.session(FIRST, [{ "a.txt": "gone\n" }]);
  const result = await at.pygent(["discard", FIRST]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    `Discarded session ${FIRST}: removed its worktree ${worktree.path} and its branch ` +
      `pygent/${FIRST}, with 1 checkpoint.\n`,
  );
  assert.equal(await exists(worktree.path), false);
  assert.equal(await branchExists(at.repo, `pygent/${FIRST}`), false);
  assert.equal(await at.git(["for-each-ref", "refs/pygent/"]), "");
  assert.equal(await Deno.readTextFile(path.join(at.repo, "a.txt")), "alpha\n");
});

Deno.test("a unique prefix of the id names the session", async () => {
  await using at = await place();
  await at.session(FIRST, [{ "a.txt": "first\n" }]);
  await at.session(SECOND, [{ "a.txt": "second\n" }]);
  const result = await at.pygent(["diff", "20261202-10"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^\+first$/m);
});

Deno.test("a prefix that names several sessions exits 2 and lists them", async () => {
  await using at = await place();
  await at.session(FIRST, [{ "a.txt": "first\n" }]);
  await at.session(SECOND, [{ "a.txt": "second\n" }]);
  const result = await at.pygent(["merge", "20261202"]);
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    `pygent: 20261202 names 2 worktree sessions: pygent/${SECOND} in ${at.repo}, ` +
      `pygent/${FIRST} in ${at.repo}; give more of the id.\n`,
  );
  assert.equal(await at.git(["rev-list", "--count", "HEAD"]), "1\n");
});

Deno.test("an id that names no worktree session exits 2", async () => {
  await using at = await place();
  await at.session(FIRST, [{ "a.txt": "first\n" }]);
  const result = await at.pygent(["apply", "1999"]);
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    "pygent: No worktree session matches 1999; pygent sessions lists them.\n",
  );
});

Deno.test("outside a git repository, an id of no kept session exits 2 and says why", async () => {
  await using at = await place();
  const elsewhere = path.join(at.data, "..", "elsewhere");
  await Deno.mkdir(elsewhere);
  const result = await at.pygent(["discard", FIRST], elsewhere);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^pygent: No worktree session matches 20261202-101500-0a1b; /);
  assert.match(result.stderr, /elsewhere is not in a git repository/);
});

Deno.test("a branch pygent/ID of the current repository is found without a session file", async () => {
  await using at = await place();
  const worktree = await at.session(FIRST, [{ "a.txt": "alpha\nbeta\n" }], { file: false });
  const result = await at.pygent(["discard", FIRST.slice(0, 10)]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /removed its worktree .* and its branch pygent\/20261202-101500-0a1b/,
  );
  assert.equal(await exists(worktree.path), false);
});

Deno.test("a resumed session names the branch of the session that made it", async () => {
  await using at = await place();
  const worktree = await at.session(FIRST, [{ "a.txt": "alpha\nbeta\n" }]);
  const writer = new SessionWriter({
    dir: sessionsDir(at.getEnv),
    id: SECOND,
    info: {
      pygent: "0",
      model: "m",
      workspace: at.repo,
      sandbox: { kind: "host" },
      resumedFrom: FIRST,
      worktree: { repository: at.repo, branch: worktree.branch, path: worktree.path },
    },
  });
  writer.append([{ role: "user", content: "go on" }]);
  writer.close();
  const result = await at.pygent(["diff", SECOND]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^\+beta$/m);
});

Deno.test("pygent merge of a branch already merged says so and changes nothing", async () => {
  await using at = await place();
  await at.session(FIRST, [{ "a.txt": "alpha\nbeta\n" }]);
  await at.git(["merge", "-q", "--no-ff", "--no-edit", `pygent/${FIRST}`]);
  const head = await at.git(["rev-parse", "HEAD"]);
  const result = await at.pygent(["merge", FIRST]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`^pygent/${FIRST} is already merged into main; `));
  assert.equal(await at.git(["rev-parse", "HEAD"]), head);
});

Deno.test("pygent diff without an id exits 2 and says what is missing", async () => {
  await using at = await place();
  const { io: call, written } = io(at, { terminal: false });
  assert.equal(await runDiffCommand([], call), 2);
  assert.equal(
    written.err,
    "pygent: missing required argument 'id'. Run pygent diff --help for the options.\n",
  );
});

Deno.test("pygent merge --help prints its usage", async () => {
  const result = await runCli(["merge", "--help"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^Usage: pygent merge \[options\] <id>\n/);
});
