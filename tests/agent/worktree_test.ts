import assert from "node:assert/strict";
import { Agent, type AgentEvent, ConfigError } from "../../lib/mod.ts";
import { WorktreeError, WorktreeSetupError } from "../../lib/worktree/mod.ts";
import { dockerTest, TEST_IMAGE } from "../support/docker.ts";
import { OpenAIServer, type ScriptedReply } from "../support/openai_server.ts";
import { testAgent, testModel } from "./_helpers.ts";
import { gitRepository } from "../support/git_repository.ts";

const write = (path: string, content: string): ScriptedReply => ({
  kind: "message",
  toolCalls: [{ name: "write_file", arguments: JSON.stringify({ path, content }) }],
});
const say = (content: string): ScriptedReply => ({ kind: "message", content });

Deno.test("agent with worktree works on branch pygent/ID, outside the checkout", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([write("b.txt", "bee\n"), say("Done.")]);
  const events: AgentEvent[] = [];
  await using agent = testAgent(server, {
    worktree: true,
    sessionId: "20261202-100000-0001",
    runtimeOptions: { docker: false, workspace: repo.repo },
    getEnv: repo.getEnv,
    onEvent: (event) => events.push(event),
  });
  await agent.step("Add b.txt");
  const made = events.find((event) => event.type === "worktree");
  assert.deepEqual(made && { ...made, path: undefined }, {
    type: "worktree",
    branch: "pygent/20261202-100000-0001",
    path: undefined,
    repository: repo.repo,
    carried: [],
    reattached: false,
  });
  assert.equal(agent.runtime.workspace, agent.worktree?.path);
  assert.equal(await Deno.readTextFile(`${agent.worktree!.path}/b.txt`), "bee\n");
  await assert.rejects(Deno.stat(`${repo.repo}/b.txt`), Deno.errors.NotFound);
  assert.equal(await repo.git("branch", "--show-current"), "main");
});

Deno.test("agent with worktree emits one checkpoint event per step that changed files", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([
    write("b.txt", "bee\n"),
    say("Added."),
    say("Nothing to change."),
  ]);
  const events: AgentEvent[] = [];
  await using agent = testAgent(server, {
    worktree: true,
    runtimeOptions: { docker: false, workspace: repo.repo },
    getEnv: repo.getEnv,
    onEvent: (event) => events.push(event),
  });
  await agent.step("Add b.txt\nwith a second line");
  await agent.step("Look around");
  const checkpoints = events.filter((event) => event.type === "checkpoint");
  const listed = await agent.checkpoints();
  assert.equal(checkpoints.length, 1);
  assert.deepEqual(checkpoints[0], {
    type: "checkpoint",
    commit: listed[0].commit,
    message: "Add b.txt",
    files: ["b.txt"],
  });
  assert.deepEqual(listed.map((c) => c.message), ["Add b.txt"]);
});

Deno.test("agent.undo() puts the files back and the next request tells the model", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([
    write("a.txt", "two\n"),
    say("Changed."),
    say("Understood."),
  ]);
  await using agent = testAgent(server, {
    worktree: true,
    runtimeOptions: { docker: false, workspace: repo.repo },
    getEnv: repo.getEnv,
  });
  await agent.step("Change a.txt");
  const undone = await agent.undo();
  assert.equal(undone?.message, "Change a.txt");
  assert.equal(await Deno.readTextFile(`${agent.worktree!.path}/a.txt`), "one\n");
  assert.deepEqual(await agent.checkpoints(), []);
  await agent.step("What now?");
  const messages = server.requests[2].body.messages;
  assert.match(String(messages.at(-2)?.content), /\/undo.*"Change a\.txt".*a\.txt/);
  assert.equal(messages.at(-1)?.content, "What now?");
});

Deno.test("agent.undo() with nothing to undo resolves undefined and tells the model nothing", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([say("Hello.")]);
  await using agent = testAgent(server, {
    worktree: true,
    runtimeOptions: { docker: false, workspace: repo.repo },
    getEnv: repo.getEnv,
  });
  assert.equal(await agent.undo(), undefined);
  await agent.step("Hi");
  assert.equal(server.requests[0].body.messages.length, 2, "the system prompt and the message");
});

Deno.test("agent.diff() shows the session's changes against where it started", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([write("a.txt", "two\n"), say("Changed.")]);
  await using agent = testAgent(server, {
    worktree: true,
    runtimeOptions: { docker: false, workspace: repo.repo },
    getEnv: repo.getEnv,
  });
  await agent.step("Change a.txt");
  const diff = await agent.diff();
  assert.match(diff, /^diff --git a\/a\.txt b\/a\.txt$/m);
  assert.match(diff, /^-one$/m);
  assert.match(diff, /^\+two$/m);
});

Deno.test("agent with worktree outside a git repository fails its step with WorktreeSetupError", async () => {
  const folder = await Deno.makeTempDir({ prefix: "pygent-agent-wt-" });
  try {
    await using server = await OpenAIServer.start([write("b.txt", "bee\n"), say("Done.")]);
    await using agent = testAgent(server, {
      worktree: true,
      runtimeOptions: { docker: false, workspace: folder },
      getEnv: (name) => name === "XDG_DATA_HOME" ? `${folder}/data` : undefined,
    });
    await assert.rejects(
      agent.step("Add b.txt"),
      (error: Error) =>
        error instanceof WorktreeSetupError &&
        error.message.includes(`--worktree needs a git repository: ${folder}`),
    );
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("agent with worktree and a runtime of its own is a ConfigError", async () => {
  await using server = await OpenAIServer.start([]);
  const runtimeOwner = testAgent(server);
  try {
    assert.throws(
      () => new Agent({ model: testModel(server), worktree: true, runtime: runtimeOwner.runtime }),
      ConfigError,
    );
  } finally {
    await runtimeOwner.runtime.cleanup();
  }
});

Deno.test("agent.undo() without worktree rejects with WorktreeError", async () => {
  await using server = await OpenAIServer.start([]);
  await using agent = testAgent(server);
  await assert.rejects(agent.undo(), WorktreeError);
  await assert.rejects(agent.checkpoints(), WorktreeError);
  await assert.rejects(agent.diff(), WorktreeError);
});

dockerTest("agent.undo() is seen at once inside the container", async () => {
  await using repo = await gitRepository();
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [{ name: "bash", arguments: '{"cmd":"echo two > a.txt"}' }] },
    say("Changed."),
    { kind: "message", toolCalls: [{ name: "bash", arguments: '{"cmd":"cat a.txt"}' }] },
    say("It says one."),
  ]);
  await using agent = testAgent(server, {
    worktree: true,
    runtimeOptions: { docker: true, image: TEST_IMAGE, workspace: repo.repo },
    getEnv: repo.getEnv,
  });
  await agent.step("Change a.txt");
  await agent.undo();
  const result = await agent.step("Read a.txt");
  assert.match(result.toolRuns[0].content, /^one$/m);
});
