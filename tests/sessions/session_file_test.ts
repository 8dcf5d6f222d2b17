import assert from "node:assert/strict";
import type { ChatMessage, ToolCall } from "../../lib/agent/history.ts";
import {
  ENDED_RESULT,
  readSessionText,
  repairHistory,
  SessionFileError,
  type SessionHeader,
} from "../../lib/sessions/mod.ts";

const HEADER: SessionHeader = {
  type: "header",
  format: "pygent-session",
  version: 1,
  id: "20261201-183012-a1b2",
  started: "2026-12-01T18:30:12.000Z",
  pygent: "0.1.0",
  model: "m",
  workspace: "/w",
  sandbox: { kind: "host" },
};

const call = (id: string): ToolCall => ({
  id,
  type: "function",
  function: { name: "bash", arguments: '{"cmd":"ls"}' },
});

function fileText(...lines: unknown[]): string {
  return lines.map((line) => JSON.stringify(line) + "\n").join("");
}

const message = (m: ChatMessage) => ({
  type: "message",
  at: "2026-12-01T18:30:13.000Z",
  message: m,
});

Deno.test("readSessionText() gives back the header and the messages in order", () => {
  const record = readSessionText(
    fileText(
      HEADER,
      message({ role: "user", content: "hi" }),
      message({
        role: "assistant",
        content: "hello",
      }),
    ),
    "s.jsonl",
  );
  assert.deepEqual(record.header, HEADER);
  assert.deepEqual(record.messages, [
    { role: "user", content: "hi" },
    { role: "assistant", content: "hello" },
  ]);
  assert.equal(record.repaired, 0);
});

Deno.test("readSessionText() gives an unanswered tool call a result saying the session ended", () => {
  const record = readSessionText(
    fileText(
      HEADER,
      message({ role: "user", content: "go" }),
      message({ role: "assistant", content: null, tool_calls: [call("c1"), call("c2")] }),
      message({ role: "tool", tool_call_id: "c1", content: "done" }),
    ),
    "s.jsonl",
  );
  assert.deepEqual(record.messages.slice(-2), [
    { role: "tool", tool_call_id: "c1", content: "done" },
    { role: "tool", tool_call_id: "c2", content: ENDED_RESULT },
  ]);
  assert.equal(record.repaired, 1);
});

Deno.test("readSessionText() drops a last line cut in the middle by a kill", () => {
  const text = fileText(HEADER, message({ role: "user", content: "go" })) +
    '{"type":"message","at":"x","message":{"role":"assis';
  assert.deepEqual(readSessionText(text, "s.jsonl").messages, [{ role: "user", content: "go" }]);
});

Deno.test("readSessionText() keeps only the conversation after the last reset", () => {
  const record = readSessionText(
    fileText(
      HEADER,
      message({ role: "user", content: "old" }),
      { type: "reset", at: "x" },
      message({ role: "user", content: "new" }),
    ),
    "s.jsonl",
  );
  assert.deepEqual(record.messages, [{ role: "user", content: "new" }]);
});

Deno.test("readSessionText() refuses a file whose first line is not a session header", () => {
  assert.throws(
    () => readSessionText(fileText({ type: "message" }), "/d/s.jsonl"),
    (error: Error) =>
      error instanceof SessionFileError && /\/d\/s\.jsonl: its first line/.test(error.message),
  );
});

Deno.test("readSessionText() names a line in the middle that is not JSON", () => {
  const text = fileText(HEADER) + "{oops\n" + fileText(message({ role: "user", content: "x" }));
  assert.throws(() => readSessionText(text, "s.jsonl"), /line 2 is not JSON/);
});

Deno.test("repairHistory() answers open calls before the next message that is not a result", () => {
  const { messages } = repairHistory([
    { role: "assistant", content: null, tool_calls: [call("c1")] },
    { role: "user", content: "next" },
  ]);
  assert.deepEqual(messages.map((m) => m.role), ["assistant", "tool", "user"]);
});
