// The agent's tool_output events, and output kept when a command is stopped (issue 13 §1).
import assert from "node:assert/strict";
import type { AgentEvent } from "../../lib/mod.ts";
import { OutputSoFar } from "../../lib/agent/output_so_far.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { assertValidRequest, testAgent, toolResults } from "./_helpers.ts";

const say = (content: string) => ({ kind: "message" as const, content });
const bash = (cmd: string) => ({ name: "bash", arguments: JSON.stringify({ cmd }) });

Deno.test("a running command's output comes as tool_output events with its call's id, before its tool_result", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bash("echo one; sleep 0.2; echo two >&2")] },
    say("Done."),
  ]);
  const events: AgentEvent[] = [];
  await using ag = testAgent(server, { onEvent: (event) => events.push(event) });
  await ag.step("go");
  const call = events.find((e) => e.type === "tool_call");
  const outputs = events.filter((e) => e.type === "tool_output");
  assert.deepEqual(outputs, [
    {
      type: "tool_output",
      id: call?.type === "tool_call" ? call.id : "",
      stream: "stdout",
      text: "one\n",
    },
    {
      type: "tool_output",
      id: call?.type === "tool_call" ? call.id : "",
      stream: "stderr",
      text: "two\n",
    },
  ]);
  const types = events.map((e) => e.type);
  assert.ok(types.lastIndexOf("tool_output") < types.indexOf("tool_result"));
});

Deno.test("a cancelled command's output is kept in its result and the history, then [stopped after N s: …]", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bash("echo started; echo oops >&2; sleep 30")] },
    say("Ready."),
  ]);
  const results: AgentEvent[] = [];
  await using ag = testAgent(server, {
    onEvent: (event) => event.type === "tool_result" && results.push(event),
  });
  const controller = new AbortController();
  const run = ag.step("go", { signal: controller.signal });
  let seen = "";
  for await (const event of run) {
    if (event.type !== "tool_output") continue;
    seen += event.text;
    if (seen.includes("started") && seen.includes("oops")) controller.abort();
  }
  await assert.rejects(run, (e) => e instanceof DOMException && e.name === "AbortError");
  const expected =
    /^started\n\[stderr\]\noops\n\[stopped after \d+\.\d s: the user cancelled the step\]$/;
  assert.match(results[0]?.type === "tool_result" ? results[0].content : "", expected);

  await ag.step("still there?");
  assertValidRequest(server.requests[1]);
  assert.match(toolResults(server.requests[1])[0], expected);
});

Deno.test("a cancelled command that printed nothing says it was stopped before it finished", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bash("sleep 30")] },
    say("Ready."),
  ]);
  await using ag = testAgent(server);
  const controller = new AbortController();
  const run = ag.step("go", { signal: controller.signal });
  for await (const event of run) {
    if (event.type === "tool_call") setTimeout(() => controller.abort(), 200);
  }
  await assert.rejects(run);
  await ag.step("again");
  assert.deepEqual(toolResults(server.requests[1]), [
    "Error: stopped before it finished: the user cancelled the step.",
  ]);
});

Deno.test("OutputSoFar keeps the start and the end of a flood of output, and says what it left out", () => {
  const so = new OutputSoFar(10);
  for (let i = 0; i < 100; i++) so.push({ stream: "stdout", text: "0123456789" });
  const text = so.stopped(1, "why");
  assert.match(text, /^0123456789\n\[\.\.\. 980 characters left out \.\.\.\]\n0123456789\n/);
  assert.ok(text.endsWith("[stopped after 1.0 s: why]"));
});
