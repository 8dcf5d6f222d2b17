import assert from "node:assert/strict";
import path from "node:path";
import { ENDED_RESULT, sessionsDir, SessionWriter } from "../../lib/sessions/mod.ts";
import { assertValidRequest } from "../agent/_helpers.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import {
  bashCall,
  cliEnv,
  eventsOf,
  jsonLines,
  MAIN,
  runCli,
  spawnCli,
  waitFor,
} from "./cli_process.ts";
import { noTmuxReason, Terminal } from "./tmux.ts";
import { place as worktreePlace } from "./worktree_sessions.ts";

/** On the host, nothing asked: the sessions tests are about what is kept, not where it ran. */
const HOST = ["--no-docker", "--approval", "never"];

/** A data folder and a workspace of the test's own, removed at the end. */
async function place(): Promise<
  { data: string; workspace: string; sessions: string } & AsyncDisposable
> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-sessions-test-" }));
  const workspace = path.join(root, "work");
  await Deno.mkdir(workspace);
  const data = path.join(root, "data");
  return {
    data,
    workspace,
    sessions: path.join(data, "pygent", "sessions"),
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

async function sessionFiles(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).map((entry) => entry.name).sort();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

Deno.test("a session killed with SIGKILL mid-step resumes to a valid history", async () => {
  await using at = await place();
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bashCall("sleep 5; echo late")] },
    { kind: "message", content: "Going on." },
  ]);
  const env = { XDG_DATA_HOME: at.data };
  const child = spawnCli([...HOST, "--workspace", at.workspace, "run the slow thing"], {
    server,
    env,
  });
  let file = "";
  await waitFor("the tool call in the session file", async () => {
    const [name] = await sessionFiles(at.sessions);
    if (name === undefined) return false;
    file = path.join(at.sessions, name);
    return (await Deno.readTextFile(file)).includes('"tool_calls"');
  });
  child.kill("SIGKILL");
  await child.output();

  const resumed = await runCli([...HOST, "--resume", "last", "go on"], { server, env });
  assert.equal(resumed.code, 0, resumed.stderr);
  const id = path.basename(file, ".jsonl");
  assert.equal(resumed.stdout.split("\n")[0], `Resumed session ${id} (3 messages)`);
  const request = server.requests.at(-1)!;
  assertValidRequest(request);
  const messages = request.body.messages;
  assert.deepEqual(messages.slice(-2), [
    { role: "tool", tool_call_id: "call_1", content: ENDED_RESULT },
    { role: "user", content: "go on" },
  ]);
});

Deno.test("pygent --resume last goes on with the newest session, in its workspace", async () => {
  await using at = await place();
  await using server = await OpenAIServer.start([
    { kind: "message", content: "First." },
    { kind: "message", content: "Second." },
    { kind: "message", content: "Third." },
  ]);
  const env = { XDG_DATA_HOME: at.data };
  const other = await Deno.makeTempDir({ dir: path.dirname(at.workspace) });
  assert.equal((await runCli([...HOST, "--workspace", other, "older"], { server, env })).code, 0);
  const newer = await runCli([...HOST, "--workspace", at.workspace, "newer"], { server, env });
  assert.equal(newer.code, 0, newer.stderr);
  const result = await runCli([...HOST, "--resume", "last", "--json", "pwd please"], {
    server,
    env,
  });
  assert.equal(result.code, 0, result.stderr);
  const sent = server.requests[2].body.messages.map((m) => m.content);
  assert.deepEqual(sent.slice(1), ["newer", "Second.", "pwd please"]);
  const [session] = eventsOf(jsonLines(result.stdout), "session");
  assert.equal(session.workspace, at.workspace);
  const [newest] = (await sessionFiles(at.sessions)).reverse();
  assert.equal(session.sessionId, path.basename(newest, ".jsonl"));
  assert.match(String(session.resumedFrom), /^\d{8}-\d{6}-[0-9a-f]{4}$/);
  assert.notEqual(session.resumedFrom, session.sessionId);
});

Deno.test("pygent --continue picks the newest session of the current folder's workspace", async () => {
  await using at = await place();
  await using server = await OpenAIServer.start([
    { kind: "message", content: "A." },
    { kind: "message", content: "B." },
    { kind: "message", content: "A again." },
  ]);
  const env = { XDG_DATA_HOME: at.data };
  const b = await Deno.makeTempDir({ dir: path.dirname(at.workspace) });
  assert.equal(
    (await runCli([...HOST, "--workspace", at.workspace, "in a"], { server, env })).code,
    0,
  );
  assert.equal((await runCli([...HOST, "--workspace", b, "in b"], { server, env })).code, 0);
  const result = await runCli([...HOST, "--continue", "more"], { server, env, cwd: at.workspace });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Resumed session \S+ \(2 messages\)\n/);
  const sent = server.requests[2].body.messages.map((m) => m.content);
  assert.deepEqual(sent.slice(1), ["in a", "A.", "more"]);
});

Deno.test("pygent --continue in a workspace with no session says so and exits 2", async () => {
  await using at = await place();
  const result = await runCli([...HOST, "--continue", "more"], {
    env: { XDG_DATA_HOME: at.data, OPENAI_API_KEY: "k" },
    cwd: at.workspace,
  });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /no session was kept for the workspace/);
});

Deno.test("pygent sessions --json lists the sessions newest first", async () => {
  await using at = await place();
  await using server = await OpenAIServer.start([
    { kind: "message", content: "One." },
    { kind: "message", content: "Two." },
  ]);
  const env = { XDG_DATA_HOME: at.data };
  await runCli([...HOST, "--workspace", at.workspace, "first\nrequest"], { server, env });
  await runCli([...HOST, "second request"], { server, env });
  const result = await runCli(["sessions", "--json"], { env });
  assert.equal(result.code, 0, result.stderr);
  const listed = JSON.parse(result.stdout);
  assert.equal(listed.dir, at.sessions);
  assert.deepEqual(
    listed.sessions.map((
      s: { firstRequest: string; workspace: string | null; messages: number },
    ) => [
      s.firstRequest,
      s.workspace,
      s.messages,
    ]),
    [["second request", null, 2], ["first\nrequest", at.workspace, 2]],
  );
});

Deno.test("pygent sessions prints one line per session with its first request", async () => {
  await using at = await place();
  await using server = await OpenAIServer.start([{ kind: "message", content: "One." }]);
  const env = { XDG_DATA_HOME: at.data };
  await runCli([...HOST, "--workspace", at.workspace, "fix\nthe tests"], { server, env });
  const result = await runCli(["sessions"], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    new RegExp(`^\\d{8}-\\d{6}-[0-9a-f]{4}  \\S+ \\S+  2 messages  +${at.workspace}  "fix …"\n$`),
  );
});

Deno.test("pygent sessions rm ID removes that session", async () => {
  await using at = await place();
  await using server = await OpenAIServer.start([{ kind: "message", content: "One." }]);
  const env = { XDG_DATA_HOME: at.data };
  await runCli([...HOST, "hello"], { server, env });
  const [name] = await sessionFiles(at.sessions);
  const id = path.basename(name, ".jsonl");
  const result = await runCli(["sessions", "rm", id.slice(0, 15)], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, `Removed session ${id}.\n`);
  assert.deepEqual(await sessionFiles(at.sessions), []);
});

Deno.test("pygent sessions rm with an id that names nothing exits 2", async () => {
  await using at = await place();
  const result = await runCli(["sessions", "rm", "1999"], { env: { XDG_DATA_HOME: at.data } });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /no session id starts with "1999"/);
});

Deno.test("pygent --no-history writes nothing", async () => {
  await using at = await place();
  await using server = await OpenAIServer.start([{ kind: "message", content: "One." }]);
  const result = await runCli([...HOST, "--no-history", "--json", "hello"], {
    server,
    env: { XDG_DATA_HOME: at.data },
  });
  assert.equal(result.code, 0, result.stderr);
  await assert.rejects(() => Deno.stat(at.data), Deno.errors.NotFound);
  const [session] = eventsOf(jsonLines(result.stdout), "session");
  assert.equal(session.sessionId, null);
});

Deno.test("history = false in the user config file writes nothing", async () => {
  await using at = await place();
  await using server = await OpenAIServer.start([{ kind: "message", content: "One." }]);
  const config = path.join(path.dirname(at.data), "config");
  await Deno.mkdir(path.join(config, "pygent"), { recursive: true });
  await Deno.writeTextFile(path.join(config, "pygent", "config.toml"), "history = false\n");
  const result = await runCli([...HOST, "hello"], {
    server,
    env: { XDG_DATA_HOME: at.data, XDG_CONFIG_HOME: config },
  });
  assert.equal(result.code, 0, result.stderr);
  await assert.rejects(() => Deno.stat(at.data), Deno.errors.NotFound);
});

Deno.test("history_max_days removes the older session files at start", async () => {
  await using at = await place();
  await using server = await OpenAIServer.start([
    { kind: "message", content: "One." },
    { kind: "message", content: "Two." },
  ]);
  const env = { XDG_DATA_HOME: at.data };
  await runCli([...HOST, "old one"], { server, env });
  const [old] = await sessionFiles(at.sessions);
  const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
  await Deno.utime(path.join(at.sessions, old), tenDaysAgo, tenDaysAgo);
  const result = await runCli([...HOST, "new one"], {
    server,
    env: { ...env, PYGENT_HISTORY_MAX_DAYS: "7" },
  });
  assert.equal(result.code, 0, result.stderr);
  const left = await sessionFiles(at.sessions);
  assert.equal(left.length, 1);
  assert.notEqual(left[0], old);
});

Deno.test("the session file holds the messages the model was sent, and no API key", async () => {
  await using at = await place();
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bashCall("echo hi")] },
    { kind: "message", content: "Done." },
  ]);
  const key = "sk-secret-never-in-a-file";
  const result = await runCli([...HOST, "say hi"], {
    server,
    env: { XDG_DATA_HOME: at.data, OPENAI_API_KEY: key },
  });
  assert.equal(result.code, 0, result.stderr);
  const [name] = await sessionFiles(at.sessions);
  const text = await Deno.readTextFile(path.join(at.sessions, name));
  assert.ok(!text.includes(key));
  const kept = text.trimEnd().split("\n").slice(1).map((line) => JSON.parse(line).message);
  const sent = server.requests[1].body.messages;
  assert.deepEqual(kept.slice(0, sent.length), sent);
  assert.deepEqual(kept.at(-1), { role: "assistant", content: "Done." });
});

Deno.test("/save and --load keep working beside the kept sessions", async () => {
  await using at = await place();
  await using server = await OpenAIServer.start([
    { kind: "message", content: "Saved." },
    { kind: "message", content: "Loaded." },
  ]);
  const env = { XDG_DATA_HOME: at.data };
  const saved = path.join(at.workspace, "chat.json");
  const first = await runCli([...HOST, "--workspace", at.workspace], {
    server,
    env,
    stdin: `remember this\n/save ${saved}\n`,
  });
  assert.equal(first.code, 0, first.stderr);
  const loaded = await runCli([...HOST, "--load", saved, "and now"], { server, env });
  assert.equal(loaded.code, 0, loaded.stderr);
  assert.match(loaded.stdout, /Loaded the conversation from .*chat\.json \(2 messages\)/);
  const sent = server.requests[1].body.messages.map((m) => m.content);
  assert.deepEqual(sent.slice(1), ["remember this", "Saved.", "and now"]);
});

Deno.test("pygent -- sessions x sends 'sessions x' as a request", async () => {
  await using at = await place();
  await using server = await OpenAIServer.start([{ kind: "message", content: "A request." }]);
  const result = await runCli([...HOST, "--", "sessions", "x"], {
    server,
    env: { XDG_DATA_HOME: at.data },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(server.requests[0].body.messages.at(-1)?.content, "sessions x");
});

Deno.test("pygent --resume and --load together is a usage error", async () => {
  const result = await runCli(["--resume", "last", "--load", "x.json", "hi"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--load and --resume each name a conversation to go on; give one/);
});

Deno.test("pygent --help lists pygent sessions and how to send its word as a request", async () => {
  const result = await runCli(["--help"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /pygent sessions \[--json\]/);
  assert.match(result.stdout, /pygent -- sessions … sends it as a request/);
});

Deno.test({
  name: "an interactive pygent --resume last says so on its first line and keeps what follows",
  ignore: noTmuxReason !== undefined && Deno.env.get("CI") !== "true",
  fn: async () => {
    await using at = await place();
    await using server = await OpenAIServer.start([
      { kind: "message", content: "First." },
      { kind: "message", content: "Second." },
    ]);
    const env = { XDG_DATA_HOME: at.data };
    await runCli([...HOST, "--workspace", at.workspace, "one"], { server, env });
    const [first] = await sessionFiles(at.sessions);
    await using terminal = await Terminal.start(
      [Deno.execPath(), "run", "-A", MAIN, ...HOST, "--resume", "last"],
      cliEnv({ server, env }),
    );
    const screen = await terminal.waitFor(/pygent› $/m);
    assert.match(screen, new RegExp(`^Resumed session ${first.slice(0, -6)} \\(2 messages\\)\n`));
    await terminal.send("two", "Enter");
    await terminal.waitFor(/Second\.[\s\S]*pygent› $/m);
    await terminal.send("/exit", "Enter");
    await terminal.waitFor(/EXITED 0/);
    const files = await sessionFiles(at.sessions);
    assert.equal(files.length, 2);
    const text = await Deno.readTextFile(path.join(at.sessions, files[1]));
    assert.match(text, new RegExp(`"resumedFrom":"${first.slice(0, -6)}"`));
    assert.match(text, /"content":"Second\."/);
  },
});

/** Four worktree sessions of one repository: merged, not merged, discarded, and no changes. */
async function worktreeSessions(at: Awaited<ReturnType<typeof worktreePlace>>) {
  const ids = {
    merged: "20261202-101500-0a1b",
    unmerged: "20261202-111500-0c2d",
    discarded: "20261202-121500-0e3f",
    unchanged: "20261202-131500-0f4a",
  };
  await at.session(ids.merged, [{ "merged.txt": "m\n" }]);
  await at.session(ids.unmerged, [{ "unmerged.txt": "u\n" }]);
  const discarded = await at.session(ids.discarded, [{ "discarded.txt": "d\n" }]);
  await at.session(ids.unchanged, []);
  await at.git(["merge", "-q", "--no-ff", "--no-edit", `pygent/${ids.merged}`]);
  await discarded.discard();
  return ids;
}

Deno.test("pygent sessions shows each worktree session's branch and whether it was merged", async () => {
  await using at = await worktreePlace();
  const ids = await worktreeSessions(at);
  const result = await runCli(["sessions"], { env: at.env });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.trimEnd().split("\n");
  assert.deepEqual(
    lines.map((line) => line.replace(/^(\S+) .* (pygent\/\S+ [^"]+) {2}".*$/, "$1 $2")),
    [
      `${ids.unchanged} pygent/${ids.unchanged} no changes`,
      `${ids.discarded} pygent/${ids.discarded} discarded`,
      `${ids.unmerged} pygent/${ids.unmerged} not merged`,
      `${ids.merged} pygent/${ids.merged} merged into main`,
    ],
  );
});

Deno.test("pygent sessions --json gives each worktree session's branch and state", async () => {
  await using at = await worktreePlace();
  const ids = await worktreeSessions(at);
  const writer = new SessionWriter({
    dir: sessionsDir(at.getEnv),
    id: "20261202-141500-1a2b",
    info: { pygent: "0", model: "m", workspace: at.repo, sandbox: { kind: "host" } },
  });
  writer.append([{ role: "user", content: "no worktree" }]);
  writer.close();
  const result = await runCli(["sessions", "--json"], { env: at.env });
  assert.equal(result.code, 0, result.stderr);
  const sessions: { id: string; worktree: Record<string, string> | null }[] =
    JSON.parse(result.stdout).sessions;
  assert.deepEqual(
    sessions.map((s) => [s.id, s.worktree?.branch ?? null, s.worktree?.state ?? null]),
    [
      ["20261202-141500-1a2b", null, null],
      [ids.unchanged, `pygent/${ids.unchanged}`, "unchanged"],
      [ids.discarded, `pygent/${ids.discarded}`, "discarded"],
      [ids.unmerged, `pygent/${ids.unmerged}`, "unmerged"],
      [ids.merged, `pygent/${ids.merged}`, "merged"],
    ],
  );
  assert.equal(sessions[1].worktree?.repository, at.repo);
});
