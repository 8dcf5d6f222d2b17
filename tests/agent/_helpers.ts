/**
 * Shared pieces of the agent tests: an agent wired to the OpenAI-compatible test
 * server (the real `npm:openai` client over real HTTP), and a check that a
 * request's messages form a history the real API accepts.
 *
 * @module
 */

import assert from "node:assert/strict";
import { Agent, type AgentOptions, OpenAIModel } from "../../lib/mod.ts";
import type { OpenAIServer, RecordedRequest } from "../support/openai_server.ts";

/** The OpenAI model pointed at the test server; streamed, with 2 retries, unless told. */
export function testModel(
  server: OpenAIServer,
  options: { maxRetries?: number; stream?: boolean } = {},
): OpenAIModel {
  return new OpenAIModel({
    baseURL: server.baseURL,
    apiKey: "test",
    model: "test-model",
    ...options,
  });
}

/**
 * An agent on the host (no Docker) talking to the test server; no environment is read. It
 * never asks for approval (on the host, approval "auto" would refuse every command with no one
 * to ask): the approval tests set their own.
 */
export function testAgent(server: OpenAIServer, options: AgentOptions = {}): Agent {
  return new Agent({
    model: testModel(server),
    runtimeOptions: { docker: false },
    getEnv: () => undefined,
    approval: { mode: "never" },
    ...options,
  });
}

/**
 * Asserts that a request's messages are a history the Chat Completions API accepts: a system
 * message first, every assistant message with text or tool calls, and every tool call answered
 * by a tool message with its id before any other message.
 */
export function assertValidRequest(request: RecordedRequest): void {
  const messages = request.body.messages;
  assert.equal(messages[0]?.role, "system", "the first message is the system prompt");
  let open: string[] = [];
  for (const message of messages) {
    if (message.role === "tool") {
      assert.ok(open.includes(message.tool_call_id), `unexpected result ${message.tool_call_id}`);
      open = open.filter((id) => id !== message.tool_call_id);
      continue;
    }
    assert.deepEqual(open, [], `tool calls ${open.join(", ")} have no result`);
    if (message.role === "assistant") {
      open = (message.tool_calls ?? []).map((call) => call.id);
      if (open.length === 0) assert.equal(typeof message.content, "string", "text or tool calls");
    }
  }
  assert.deepEqual(open, [], `tool calls ${open.join(", ")} have no result`);
}

/** The text of each tool message of a request, in order. */
export function toolResults(request: RecordedRequest): string[] {
  return request.body.messages.flatMap((m) =>
    m.role === "tool" && typeof m.content === "string" ? [m.content] : []
  );
}
