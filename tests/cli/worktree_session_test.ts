import assert from "node:assert/strict";
import { dockerTest } from "../support/docker.ts";
import { OpenAIServer, type ScriptedReply } from "../support/openai_server.ts";
import {
  bashCall,
  cliEnv,
  eventsOf,
  jsonLines,
  MAIN,
  readUntil,
  runCli,
  spawnCli,
} from "./cli_process.ts";
import { noTmuxReason, Terminal } from "./tmux.ts";
import { gitRepository } from "../support/git_repository.ts";

const writeB: ScriptedReply = {
  kind: "message",
  toolCalls: [{ name: "write_file", arguments: '{"path":"b.txt","content":"bee\\n"}' }],
};
const done: ScriptedReply = { kind: "message", content: "Done." };

Deno.test("pygent --worktree REQUEST keeps the branch and prints the commands on stderr", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([writeB, done]);
  const result = await runCli(
    ["--worktree", "--no-docker", "--approval", "never", "add b"],
    { server, cwd: repo.repo, env: repo.env },
  );
  assert.equal(result.code, 0, result.stderr);
  const branch = await repo.git("for-each-ref", "--format=%(refname:short)", "refs/heads/pygent/");
  const id = branch.slice("pygent/".length);
  assert.match(id, /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  assert.match(result.stderr, new RegExp(`Kept the branch pygent/${id} \\(1 checkpoint\\)`));
  for (const command of ["diff", "merge", "apply", "discard"]) {
    assert.match(result.stderr, new RegExp(`pygent ${command} ${id}`));
  }
  assert.match(result.stdout, /Working on a new branch pygent\//);
  assert.equal(await repo.git("show", `${branch}:b.txt`), "bee");
  await assert.rejects(Deno.stat(`${repo.repo}/b.txt`), Deno.errors.NotFound);
});

Deno.test("pygent --worktree --json prints worktree and checkpoint events", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([writeB, done]);
  const result = await runCli(
    ["--worktree", "--json", "--no-docker", "--approval", "never", "add b"],
    { server, cwd: repo.repo, env: repo.env },
  );
  assert.equal(result.code, 0, result.stderr);
  const events = jsonLines(result.stdout);
  const [made] = eventsOf(events, "worktree");
  assert.equal(made.repository, repo.repo);
  assert.deepEqual(made.carried, []);
  const [checkpoint] = eventsOf(events, "checkpoint");
  assert.deepEqual(Object.keys(checkpoint).sort(), ["commit", "files", "message", "type"]);
  assert.equal(checkpoint.commit, await repo.git("rev-parse", made.branch));
  assert.deepEqual(checkpoint.files, ["b.txt"]);
  assert.equal(checkpoint.message, "add b");
  assert.equal(result.stderr, "");
});

Deno.test("pygent --worktree carries uncommitted changes over and says so", async () => {
  await using repo = await gitRepository();
  await Deno.writeTextFile(`${repo.repo}/a.txt`, "changed\n");
  await Deno.writeTextFile(`${repo.repo}/new.txt`, "new\n");
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bashCall("cat a.txt new.txt")] },
    done,
  ]);
  const result = await runCli(
    ["--worktree", "--no-docker", "--approval", "never", "show them"],
    { server, cwd: repo.repo, env: repo.env },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /Carried over your uncommitted changes \(2 files: a\.txt, new\.txt\)/,
  );
  assert.match(result.stdout, /│ changed\n│ new\n/);
  assert.equal(await repo.git("status", "--porcelain"), "M a.txt\n?? new.txt");
});

Deno.test("pygent --worktree outside a git repository exits 2 and says so", async () => {
  const folder = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-cli-wt-" }));
  try {
    const result = await runCli(["--worktree", "--no-docker", "hello"], { cwd: folder });
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      `pygent: --worktree needs a git repository: ${folder} is not one (git init makes one).\n`,
    );
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("pygent --worktree without git on the host exits 2 and says so", async () => {
  await using repo = await gitRepository();
  const bin = `${repo.root}/bin`;
  await Deno.mkdir(bin);
  const result = await runCli(["--worktree", "--no-docker", "hello"], {
    cwd: repo.repo,
    env: { ...repo.env, PATH: bin },
  });
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /^pygent: Worktree sessions need git on the host, and none was found/,
  );
});

Deno.test("worktree = true in the user's config file starts a worktree session", async () => {
  await using repo = await gitRepository();
  await Deno.mkdir(`${repo.root}/config/pygent`, { recursive: true });
  await Deno.writeTextFile(`${repo.root}/config/pygent/config.toml`, "worktree = true\n");
  await using server = await OpenAIServer.start([writeB, done]);
  const result = await runCli(["--no-docker", "--approval", "never", "add b"], {
    server,
    cwd: repo.repo,
    env: { ...repo.env, XDG_CONFIG_HOME: `${repo.root}/config` },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /Working on a new branch pygent\//);
  await assert.rejects(Deno.stat(`${repo.repo}/b.txt`), Deno.errors.NotFound);
});

Deno.test("piped /undo and /diff work on the session's checkpoints", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([writeB, done]);
  const result = await runCli(["--worktree", "--no-docker", "--approval", "never"], {
    server,
    cwd: repo.repo,
    env: repo.env,
    stdin: "add b\n/diff\n/undo\n/diff\n/undo\n",
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /\+\+\+ b\/b\.txt\n@@ -0,0 \+1 @@\n\+bee\n/);
  assert.match(result.stdout, /Undid "add b" \(1 file: b\.txt\)/);
  assert.match(result.stdout, /No changes yet/);
  assert.match(result.stdout, /Nothing to undo/);
  assert.match(result.stderr, /The session changed no file: its branch pygent\/\S+ was removed/);
  assert.equal(await repo.git("branch", "--list", "pygent/*"), "");
});

Deno.test("/undo without --worktree says what it needs", async () => {
  await using server = await OpenAIServer.start([]);
  const result = await runCli(["--no-docker"], { server, stdin: "/undo\n" });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /\/undo works on a session started with --worktree/);
});

Deno.test("a resumed worktree session goes on on its branch", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([
    writeB,
    done,
    { kind: "message", toolCalls: [bashCall("cat b.txt")] },
    done,
  ]);
  const first = await runCli(["--worktree", "--no-docker", "--approval", "never", "add b"], {
    server,
    cwd: repo.repo,
    env: repo.env,
  });
  assert.equal(first.code, 0, first.stderr);
  const branch = await repo.git("for-each-ref", "--format=%(refname:short)", "refs/heads/pygent/");
  const second = await runCli(["--continue", "--no-docker", "--approval", "never", "read b"], {
    server,
    cwd: repo.repo,
    env: repo.env,
  });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, new RegExp(`Working on branch ${branch} again`));
  assert.match(second.stdout, /│ bee\n/);
  assert.match(second.stderr, new RegExp(`Kept the branch ${branch} \\(1 checkpoint\\)`));
});

dockerTest("pygent --worktree in a container: the sandbox writes the worktree only", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bashCall("echo two > a.txt; touch .git/hooks/x; pwd")] },
    done,
  ]);
  const result = await runCli(["--worktree", "changes"], {
    server,
    cwd: repo.repo,
    env: repo.env,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /│ \/workspace\n/);
  assert.match(result.stdout, /\.git\/hooks\/x': Not a directory/);
  assert.equal(await Deno.readTextFile(`${repo.repo}/a.txt`), "one\n");
  const branch = await repo.git("for-each-ref", "--format=%(refname:short)", "refs/heads/pygent/");
  assert.equal(await repo.git("show", `${branch}:a.txt`), "two");
});

Deno.test({
  name: "an interactive worktree session asks at the end, and m merges into the branch",
  ignore: noTmuxReason !== undefined && Deno.env.get("CI") !== "true",
  fn: async () => {
    await using repo = await gitRepository();
    await using server = await OpenAIServer.start([writeB, done]);
    await using terminal = await Terminal.start(
      [Deno.execPath(), "run", "-A", MAIN, "--worktree", "--no-docker", "--approval", "never"],
      cliEnv({ server, env: repo.env }),
      repo.repo,
    );
    await terminal.waitFor(/pygent› $/m);
    await terminal.send("add b", "Enter");
    await terminal.waitFor(/✓ checkpoint [0-9a-f]{7}: 1 file changed[\s\S]*pygent› $/m);
    await terminal.send("/exit", "Enter");
    await terminal.waitFor(/Merge into main \/ keep the branch \/ discard\? /);
    await terminal.send("m", "Enter");
    await terminal.waitFor(
      /Merged pygent\/\S+ into main of \S+ \(1 checkpoint\)\. Removed its worktree [\s\S]*EXITED 0/,
    );
    assert.equal(await Deno.readTextFile(`${repo.repo}/b.txt`), "bee\n");
    assert.equal((await repo.git("log", "-1", "--format=%P")).split(" ").length, 2);
  },
});

Deno.test("SIGTERM mid-step ends a worktree session saying where its branch is", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bashCall("echo made > made.txt; sleep 60")] },
  ]);
  const child = spawnCli(["--worktree", "--no-docker", "--approval", "never", "--json", "go"], {
    server,
    cwd: repo.repo,
    env: repo.env,
  });
  await readUntil(child, (line) => line.includes('"type":"tool_call"'));
  child.kill("SIGTERM");
  const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
  assert.equal(status.code, 143);
  assert.match(stderr, /Kept the branch pygent\/\S+, checked out in /);
});

Deno.test("resuming a session whose branch was discarded says it starts again", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([writeB, done, done]);
  const args = ["--worktree", "--no-docker", "--approval", "never"];
  const first = await runCli([...args, "add b"], { server, cwd: repo.repo, env: repo.env });
  assert.equal(first.code, 0, first.stderr);
  const branch = await repo.git("for-each-ref", "--format=%(refname:short)", "refs/heads/pygent/");
  const discard = await runCli(["discard", branch.slice("pygent/".length)], {
    cwd: repo.repo,
    env: repo.env,
  });
  assert.equal(discard.code, 0, discard.stderr);
  const again = await runCli(["--continue", "--no-docker", "--approval", "never", "go on"], {
    server,
    cwd: repo.repo,
    env: repo.env,
  });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, new RegExp(`The session's branch ${branch} was discarded: it starts`));
});
