// The agent's loop, history, events and session API, on the host runtime, against the
// OpenAI-compatible test server with the real npm:openai client (issue #3).
import assert from "node:assert/strict";
import {
  Agent,
  AgentBusyError,
  type AgentEvent,
  ConfigError,
  ContextTooLongError,
  DockerUnavailableError,
  HistoryFileError,
  MissingApiKeyError,
  ModelAuthError,
  SandboxUnavailableError,
  type Tool,
} from "../../lib/mod.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { assertValidRequest, testAgent, testModel, toolResults } from "./_helpers.ts";

const say = (content: string) => ({ kind: "message" as const, content });
const bash = (cmd: string, id?: string) => ({
  id,
  name: "bash",
  arguments: JSON.stringify({ cmd }),
});

Deno.test("step() runs the model's tool call and resolves to the final text and what was run", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bash("echo 'Ola Mundo'")] },
    say("It printed Ola Mundo."),
  ]);
  await using ag = testAgent(server);
  const result = await ag.step("echo 'Ola Mundo'");

  assert.equal(result.text, "It printed Ola Mundo.");
  assert.equal(result.stopReason, "done");
  assert.equal(result.requests, 2);
  assert.deepEqual(result.toolRuns.map((r) => [r.name, r.exitCode, r.content]), [
    ["bash", 0, "Ola Mundo\n[exit code 0]"],
  ]);
  assert.deepEqual(result.usage, { promptTokens: 20, completionTokens: 10, totalTokens: 30 });
  assertValidRequest(server.requests[1]);
});

Deno.test("parallel tool calls run in order and each result carries its own tool_call_id", async () => {
  await using server = await OpenAIServer.start([
    {
      kind: "message",
      toolCalls: [
        { id: "call_a", name: "write_file", arguments: '{"path":"n.txt","content":"1\\n"}' },
        { id: "call_b", name: "bash", arguments: '{"cmd":"echo 2 >> n.txt"}' },
        { id: "call_c", name: "read_file", arguments: '{"path":"n.txt"}' },
      ],
    },
    say("Done."),
  ]);
  await using ag = testAgent(server);
  await ag.step("make n.txt");

  const tools = server.requests[1].body.messages.filter((m) => m.role === "tool");
  assert.deepEqual(tools.map((m) => m.tool_call_id), ["call_a", "call_b", "call_c"]);
  assert.equal(tools[2].content, "1\n2\n");
  assertValidRequest(server.requests[1]);
});

// Servers that differ from OpenAI in small ways, streamed and not.
for (const stream of [true, false]) {
  const mode = stream ? " (streamed)" : " (not streamed)";

  Deno.test(`a tool call without an id gets a generated one that its result carries${mode}`, async () => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [{ id: null, name: "bash", arguments: '{"cmd":"true"}' }] },
      say("Done."),
    ]);
    await using ag = testAgent(server, { model: testModel(server, { stream }) });
    await ag.step("go");

    const assistant = server.requests[1].body.messages.find((m) => m.role === "assistant");
    assert.ok(assistant?.role === "assistant");
    const id = assistant.tool_calls?.[0].id;
    assert.match(id ?? "", /^call_\w+$/);
    assertValidRequest(server.requests[1]);
  });

  Deno.test(`empty tool-call arguments come back to the model as a tool error, not a crash${mode}`, async () => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [{ name: "bash", arguments: "" }] },
      say("Sorry."),
    ]);
    await using ag = testAgent(server, { model: testModel(server, { stream }) });
    const result = await ag.step("go");

    assert.equal(result.text, "Sorry.");
    const [content] = toolResults(server.requests[1]);
    assert.match(content, /^Error: Invalid arguments for bash: missing required property cmd/);
    assert.equal(result.toolRuns[0].isError, true);
  });

  Deno.test(`invalid JSON arguments come back as a tool error and are kept as {} in the history${mode}`, async () => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [{ name: "bash", arguments: '{"cmd": "ls' }] },
      say("Let me fix that."),
    ]);
    await using ag = testAgent(server, { model: testModel(server, { stream }) });
    await ag.step("go");

    const [content] = toolResults(server.requests[1]);
    assert.match(content, /^Error: The arguments are not valid JSON .*"\{\\"cmd\\": \\"ls"/);
    const assistant = ag.history.find((m) => m.role === "assistant");
    assert.ok(assistant?.role === "assistant");
    assert.equal(assistant.tool_calls?.[0].function.arguments, "{}");
    assertValidRequest(server.requests[1]);
  });

  Deno.test(`text and tool calls in one message are both kept and both reported${mode}`, async () => {
    await using server = await OpenAIServer.start([
      { kind: "message", content: "Let me look.", toolCalls: [bash("true")] },
      say("Nothing there."),
    ]);
    const events: AgentEvent[] = [];
    await using ag = testAgent(server, {
      model: testModel(server, { stream }),
      onEvent: (e) => events.push(e),
    });
    await ag.step("look");

    const assistant = ag.history[2];
    assert.ok(assistant.role === "assistant");
    assert.equal(assistant.content, "Let me look.");
    assert.equal(assistant.tool_calls?.length, 1);
    const texts = events.flatMap((e) => e.type === "text" ? [e.delta] : []).join("");
    assert.equal(texts, "Let me look.Nothing there.");
  });

  Deno.test(`a reply without usage completes the step and reports no usage event${mode}`, async () => {
    await using server = await OpenAIServer.start([{
      kind: "message",
      content: "Hi.",
      usage: null,
    }]);
    const events: AgentEvent[] = [];
    await using ag = testAgent(server, {
      model: testModel(server, { stream }),
      onEvent: (e) => events.push(e),
    });
    const result = await ag.step("hi");

    assert.equal(result.text, "Hi.");
    assert.deepEqual(result.usage, { promptTokens: 0, completionTokens: 0, totalTokens: 0 });
    assert.equal(events.some((e) => e.type === "usage"), false);
  });
}

Deno.test("an unknown tool comes back to the model as a tool error naming the real tools", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [{ name: "python", arguments: '{"code":"1"}' }] },
    say("Oops."),
  ]);
  await using ag = testAgent(server);
  await ag.step("go");

  const [content] = toolResults(server.requests[1]);
  assert.equal(
    content,
    'Error: Unknown tool "python". The tools are: bash, write_file, read_file, edit_file.',
  );
});

Deno.test("a path outside the workspace comes back as a tool error the model can correct", async () => {
  await using server = await OpenAIServer.start([
    {
      kind: "message",
      toolCalls: [{ name: "read_file", arguments: '{"path":"../../etc/passwd"}' }],
    },
    say("I cannot read that."),
  ]);
  await using ag = testAgent(server);
  const result = await ag.step("read /etc/passwd");

  assert.equal(result.stopReason, "done");
  assert.match(
    toolResults(server.requests[1])[0],
    /^Error: Refused path "\.\.\/\.\.\/etc\/passwd"/,
  );
});

Deno.test("the step limit stops a step, says so plainly, and leaves a history the next step can use", async () => {
  await using server = await OpenAIServer.start((_req, i) =>
    i < 3 ? { kind: "message", toolCalls: [bash(`echo ${i}`)] } : say("Finished.")
  );
  const limits: number[] = [];
  await using ag = testAgent(server, {
    maxSteps: 3,
    onEvent: (e) => e.type === "step_limit" && limits.push(e.maxSteps),
  });
  const stopped = await ag.step("loop");

  assert.equal(stopped.stopReason, "max_steps");
  assert.equal(stopped.requests, 3);
  assert.deepEqual(limits, [3]);
  const next = await ag.step("go on");
  assert.equal(next.text, "Finished.");
  assertValidRequest(server.requests[3]);
});

Deno.test("maxSteps sets the step limit", async () => {
  await using server = await OpenAIServer.start([]);
  await using ag = testAgent(server, { maxSteps: 4 });
  assert.equal(ag.maxSteps, 4);
});

Deno.test("the agent reads no PYGENT_* variable: the command line's loader does", async () => {
  await using server = await OpenAIServer.start([]);
  const env: Record<string, string> = { PYGENT_MAX_STEPS: "4", PYGENT_MODEL: "m-env" };
  await using ag = new Agent({
    runtimeOptions: { docker: false },
    baseURL: server.baseURL,
    getEnv: (n) => env[n],
  });
  assert.equal(ag.maxSteps, 20);
  assert.equal(ag.model.name, "gpt-4o-mini");
});

Deno.test("a maxSteps that is not a whole number of at least 1 is a ConfigError that names it", async () => {
  await using server = await OpenAIServer.start([]);
  assert.throws(
    () => testAgent(server, { maxSteps: 0 }),
    (e) => e instanceof ConfigError && /maxSteps must be a whole number/.test(e.message),
  );
});

Deno.test("a timeout that is not above 0 is a ConfigError that names it", async () => {
  await using server = await OpenAIServer.start([]);
  assert.throws(
    () => testAgent(server, { timeout: -1 }),
    (e) =>
      e instanceof ConfigError && /timeout must be a number of seconds above 0/.test(e.message),
  );
});

Deno.test("new Agent() without OPENAI_API_KEY for OpenAI's own API throws MissingApiKeyError", () => {
  assert.throws(() => new Agent({ getEnv: () => undefined }), MissingApiKeyError);
});

Deno.test("with another OPENAI_BASE_URL the API key is optional", async () => {
  await using server = await OpenAIServer.start([say("Hi.")]);
  const env: Record<string, string> = { OPENAI_BASE_URL: server.baseURL };
  await using ag = new Agent({
    runtimeOptions: { docker: false },
    modelName: "m-1",
    getEnv: (n) => env[n],
  });
  assert.equal((await ag.step("hi")).text, "Hi.");
  assert.equal(server.requests[0].body.model, "m-1");
});

Deno.test("a command's timeout is stated to the model, and the default comes from the timeout option", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bash("sleep 5")] },
    say("It timed out."),
  ]);
  await using ag = testAgent(server, { timeout: 0.5 });
  const result = await ag.step("sleep");

  assert.equal(result.toolRuns[0].timedOut, true);
  assert.match(toolResults(server.requests[1])[0], /\[timed out after 0\.5 s: the command/);
});

Deno.test("a long output is cut in the middle with a marker saying how much was left out", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bash("seq 1 20000")] },
    say("Many numbers."),
  ]);
  await using ag = testAgent(server, { outputLimit: 1000 });
  await ag.step("count");

  const [content] = toolResults(server.requests[1]);
  assert.ok(content.startsWith("1\n2\n3\n"));
  assert.ok(content.endsWith("19999\n20000\n[exit code 0]"));
  assert.match(content, /\n\[\.\.\. \d+ characters left out \.\.\.\]\n/);
  assert.ok(content.length < 1100);
});

Deno.test("the runtime's notice that the shell was reset reaches the model and the events", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bash("exit 7")] },
    say("The shell ended."),
  ]);
  const notices: string[] = [];
  await using ag = testAgent(server, {
    onEvent: (e) => e.type === "notice" && notices.push(e.message),
  });
  await ag.step("exit");

  assert.match(toolResults(server.requests[1])[0], /\[exit code 7\]\n\[notice: The shell ended/);
  assert.equal(notices.length, 1);
});

Deno.test("a registered tool is offered to the model and runs with its checked arguments", async () => {
  const seen: unknown[] = [];
  const add: Tool<{ a: number; b: number }> = {
    name: "add",
    description: "Adds two numbers.",
    parameters: {
      type: "object",
      properties: { a: { type: "number" }, b: { type: "number" } },
      required: ["a", "b"],
    },
    run(args) {
      seen.push(args);
      return Promise.resolve(String(args.a + args.b));
    },
  };
  await using server = await OpenAIServer.start([
    {
      kind: "message",
      toolCalls: [
        { name: "add", arguments: '{"a":2,"b":40}' },
        { name: "add", arguments: '{"a":"2","b":40}' },
      ],
    },
    say("42."),
  ]);
  await using ag = testAgent(server, { tools: [add] });
  await ag.step("add");

  const offered = server.requests[0].body.tools?.map((t) =>
    t.type === "function" && t.function.name
  );
  assert.deepEqual(offered, ["bash", "write_file", "read_file", "edit_file", "add"]);
  assert.deepEqual(seen, [{ a: 2, b: 40 }]);
  assert.deepEqual(toolResults(server.requests[1]), [
    "42",
    'Error: Invalid arguments for add: a: expected number, got string "2".',
  ]);
});

Deno.test("a tool that throws gives the model its message as a tool error", async () => {
  const broken: Tool = {
    name: "broken",
    description: "Always fails.",
    parameters: { type: "object" },
    run: () => Promise.reject(new Error("the database is locked")),
  };
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [{ name: "broken", arguments: "{}" }] },
    say("It failed."),
  ]);
  await using ag = testAgent(server, { tools: [broken] });
  await ag.step("go");
  assert.deepEqual(toolResults(server.requests[1]), ["Error: the database is locked"]);
});

Deno.test("cancelling during a command kills it promptly, and the next step works with a valid history", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bash("sleep 30; echo late > late.txt"), bash("echo never")] },
    say("Ready."),
  ]);
  await using ag = testAgent(server);
  const controller = new AbortController();
  const run = ag.step("sleep", { signal: controller.signal });
  for await (const event of run) {
    if (event.type === "tool_call") setTimeout(() => controller.abort(), 200);
  }
  const started = performance.now();
  await assert.rejects(run, (e) => e instanceof DOMException && e.name === "AbortError");
  assert.ok(performance.now() - started < 5000);

  const next = await ag.step("are you there?");
  assert.equal(next.text, "Ready.");
  assertValidRequest(server.requests[1]);
  assert.deepEqual(toolResults(server.requests[1]), [
    "Error: stopped before it finished: the user cancelled the step.",
    "Error: not run: the user cancelled the step.",
  ]);
  assert.equal((await ag.runtime.bash("ls")).stdout, "");
});

Deno.test("cancelling during a model reply returns promptly, and the next step works", async () => {
  await using server = await OpenAIServer.start([{ kind: "hang" }, say("Back.")]);
  await using ag = testAgent(server);
  const controller = new AbortController();
  const run = ag.step("wait", { signal: controller.signal });
  for await (const event of run) {
    if (event.type === "request") setTimeout(() => controller.abort(), 200);
  }
  await assert.rejects(run, (e) => e instanceof DOMException && e.name === "AbortError");

  assert.equal((await ag.step("hello again")).text, "Back.");
  assertValidRequest(server.requests[1]);
  assert.deepEqual(server.requests[1].body.messages.map((m) => m.role), ["system", "user", "user"]);
});

Deno.test("a final model failure rejects the step with an error event, and the next step works", async () => {
  await using server = await OpenAIServer.start([
    { kind: "error", status: 401, message: "Incorrect API key provided.", code: "invalid_api_key" },
    say("Hello."),
  ]);
  const errors: AgentEvent[] = [];
  await using ag = testAgent(server, { onEvent: (e) => e.type === "error" && errors.push(e) });
  await assert.rejects(ag.step("hi"), ModelAuthError);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].type === "error" && errors[0].name, "ModelAuthError");

  assert.equal((await ag.step("hi again")).text, "Hello.");
  assertValidRequest(server.requests[1]);
});

Deno.test("step() while another step runs rejects with AgentBusyError", async () => {
  await using server = await OpenAIServer.start([{ kind: "hang" }]);
  await using ag = testAgent(server);
  const controller = new AbortController();
  const first = ag.step("one", { signal: controller.signal });
  await assert.rejects(ag.step("two"), AgentBusyError);
  controller.abort();
  await assert.rejects(first);
});

Deno.test("the events of a step can be iterated from its StepRun and also reach onEvent", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bash("echo hi")] },
    say("Done."),
  ]);
  const seen: AgentEvent[] = [];
  await using ag = testAgent(server, { onEvent: (e) => seen.push(e) });
  const run = ag.step("go");
  const iterated: AgentEvent[] = [];
  for await (const event of run) iterated.push(event);

  assert.deepEqual(iterated, seen);
  assert.deepEqual([...new Set(iterated.map((e) => e.type))], [
    "request",
    "usage",
    "assistant",
    "tool_call",
    "tool_output",
    "tool_result",
    "text",
  ]);
  for (const event of iterated) assert.deepEqual(JSON.parse(JSON.stringify(event)), event);
  assert.equal((await run).text, "Done.");
});

Deno.test("save() and Agent.load() continue the conversation where it was", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bash("echo saved")] },
    say("First."),
    say("Second."),
  ]);
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await using first = testAgent(server);
    await first.step("one");
    await first.save(file);

    await using loaded = await Agent.load(file, {
      model: first.model,
      runtimeOptions: { docker: false },
      getEnv: () => undefined,
    });
    assert.deepEqual(loaded.history, first.history.slice(1));
    assert.equal((await loaded.step("two")).text, "Second.");
    const messages = server.requests[2].body.messages;
    assert.deepEqual(messages.map((m) => m.role), [
      "system",
      "user",
      "assistant",
      "tool",
      "assistant",
      "user",
    ]);
    assertValidRequest(server.requests[2]);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("Agent.load() refuses a file whose tool calls have no results", async () => {
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        messages: [{ role: "user", content: "hi" }, {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "bash", arguments: "{}" } }],
        }],
      }),
    );
    await assert.rejects(
      Agent.load(file, {
        getEnv: () => undefined,
        model: { name: "none", complete: () => Promise.reject() },
      }),
      (e) => e instanceof HistoryFileError && /tool calls c1 have no result/.test(e.message),
    );
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("reset() starts a new conversation on the same sandbox with a fresh shell", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bash("echo kept > kept.txt")] },
    say("One."),
    say("Two."),
  ]);
  await using ag = testAgent(server);
  await ag.step("one");
  await ag.runtime.bash("cd /");
  await ag.reset();

  assert.deepEqual(ag.history, []);
  assert.equal((await ag.runtime.bash("pwd")).stdout.trim(), ag.runtime.workspace);
  assert.equal(await ag.runtime.readFile("kept.txt"), "kept\n");
  await ag.step("two");
  assert.deepEqual(server.requests[2].body.messages.map((m) => m.role), ["system", "user"]);
});

Deno.test("the system prompt names the host, its shell, the workspace, and carries AGENTS.md", async () => {
  const workspace = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${workspace}/AGENTS.md`, "Always use tabs.\n");
    await using server = await OpenAIServer.start([say("OK.")]);
    await using ag = testAgent(server, { runtimeOptions: { docker: false, workspace } });
    await ag.step("hi");

    const system = server.requests[0].body.messages[0];
    assert.equal(system.role, "system");
    const text = String(system.content);
    assert.match(text, /You are Pygent/);
    assert.match(text, /on the user's machine \(Linux\), not in a container, in bash/);
    assert.ok(text.includes(`The workspace is ${await Deno.realPath(workspace)}`));
    assert.match(text, /AGENTS\.md in the workspace:\n\nAlways use tabs\.$/);
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
});

Deno.test("an AGENTS.md that is a symlink out of the workspace is skipped with a notice", async () => {
  const workspace = await Deno.makeTempDir();
  const secret = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(secret, "host secret: hunter2\n");
    await Deno.symlink(secret, `${workspace}/AGENTS.md`);
    await using server = await OpenAIServer.start([say("OK.")]);
    const notices: string[] = [];
    await using ag = testAgent(server, {
      runtimeOptions: { docker: false, workspace },
      onEvent: (e) => e.type === "notice" && notices.push(e.message),
    });
    assert.equal((await ag.step("hi")).text, "OK.");
    assert.doesNotMatch(String(server.requests[0].body.messages[0].content), /hunter2/);
    assert.match(notices.join("\n"), /AGENTS\.md was not read: Refused path "AGENTS\.md"/);
  } finally {
    await Deno.remove(workspace, { recursive: true });
    await Deno.remove(secret);
  }
});

Deno.test("a sandbox that failed to start fails the step even when the model used no tool", async () => {
  await using server = await OpenAIServer.start([say("No tools needed.")]);
  await using ag = testAgent(server, {
    runtimeOptions: { docker: false, workspace: "/nonexistent/pygent-workspace" },
  });
  await assert.rejects(ag.step("hi"), /Workspace \/nonexistent\/pygent-workspace cannot be used/);
});

Deno.test("a systemPrompt option replaces the default prompt", async () => {
  await using server = await OpenAIServer.start([say("OK.")]);
  await using ag = testAgent(server, { systemPrompt: "Be terse." });
  await ag.step("hi");
  assert.deepEqual(server.requests[0].body.messages[0], { role: "system", content: "Be terse." });
});

Deno.test("a step with Docker required and no engine fails with SandboxUnavailableError and asks nothing", async () => {
  await using server = await OpenAIServer.start([say("unused")]);
  const env = (n: string) => n === "DOCKER_HOST" ? "unix:///nonexistent/docker.sock" : undefined;
  await using ag = testAgent(server, { runtimeOptions: { docker: true, getEnv: env } });

  await assert.rejects(
    ag.step("hi"),
    (e) => e instanceof SandboxUnavailableError && e.cause instanceof DockerUnavailableError,
  );
  assert.equal(server.requests.length, 0);
  assert.deepEqual(ag.history, []);
});

Deno.test("the runtime's notice of a fallback to the host reaches the agent's events", async () => {
  await using server = await OpenAIServer.start([say("Hi.")]);
  const env = (n: string) => n === "DOCKER_HOST" ? "unix:///nonexistent/docker.sock" : undefined;
  const notices: string[] = [];
  await using ag = testAgent(server, {
    runtimeOptions: { getEnv: env },
    onEvent: (e) => e.type === "notice" && notices.push(e.message),
  });
  await ag.step("hi");

  assert.equal(ag.runtime.kind, "local");
  assert.match(notices.join("\n"), /Commands run on the host, NOT isolated/);
});

Deno.test("a reply cut mid-stream is asked for again within the step and reported as a retry", async () => {
  await using server = await OpenAIServer.start([
    { kind: "dropMidStream", content: "Hal" },
    say("Hello."),
  ]);
  const events: AgentEvent[] = [];
  await using ag = testAgent(server, { onEvent: (e) => events.push(e) });
  const result = await ag.step("hi");

  assert.equal(result.text, "Hello.");
  const retry = events.find((e) => e.type === "retry");
  assert.ok(retry?.type === "retry");
  assert.equal(retry.attempt, 2);
  assert.equal(ag.history.filter((m) => m.role === "assistant").length, 1);
});

Deno.test("an empty reply ends the step and keeps a history the next request accepts", async () => {
  await using server = await OpenAIServer.start([{ kind: "message", content: null }, say("Hi.")]);
  await using ag = testAgent(server);
  assert.equal((await ag.step("hi")).text, "");
  await ag.step("hello?");
  assertValidRequest(server.requests[1]);
});

Deno.test("a model failure after tool calls keeps their results, and the next step works", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bash("echo ran")] },
    { kind: "error", status: 400, message: "Context too long: too many tokens." },
    say("Recovered."),
  ]);
  await using ag = testAgent(server);
  await assert.rejects(ag.step("go"), ContextTooLongError);

  assert.equal((await ag.step("again")).text, "Recovered.");
  assertValidRequest(server.requests[2]);
  assert.deepEqual(toolResults(server.requests[2]), ["ran\n[exit code 0]"]);
});
