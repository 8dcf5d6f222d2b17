import assert from "node:assert/strict";
import { historyProblem } from "../../lib/agent/history.ts";

const call = { id: "c1", type: "function", function: { name: "bash", arguments: "{}" } };

Deno.test("historyProblem accepts tool calls followed by their results", () => {
  assert.equal(
    historyProblem([
      { role: "system", content: "s" },
      { role: "user", content: "u" },
      { role: "assistant", content: null, tool_calls: [call] },
      { role: "tool", tool_call_id: "c1", content: "ok" },
      { role: "assistant", content: "done" },
    ]),
    undefined,
  );
});

Deno.test("historyProblem refuses a message between a tool call and its result", () => {
  assert.equal(
    historyProblem([
      { role: "assistant", content: null, tool_calls: [call] },
      { role: "user", content: "u" },
    ]),
    "message 2 comes before the results of tool calls c1",
  );
});

Deno.test("historyProblem refuses a tool result that answers no call", () => {
  assert.equal(
    historyProblem([{ role: "tool", tool_call_id: "c9", content: "x" }]),
    "message 1 is a tool result that answers no pending tool call",
  );
});

Deno.test("historyProblem refuses what is not a list of messages", () => {
  assert.equal(historyProblem({ messages: [] }), "the messages are not a list");
  assert.equal(historyProblem([{ role: "robot" }]), 'message 1 has an unknown role "robot"');
});
