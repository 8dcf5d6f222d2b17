/**
 * A model for batch tests, played by the scripted OpenAI server: each task's prompt says what
 * it does, so tasks running at once each get their own behaviour from one stateless script.
 *
 * - `sh: CMD`: one `bash` call of CMD, then "Done.";
 * - `loop: CMD`: a `bash` call of CMD at every request (never done: the step limit ends it);
 * - `hang`: the request is never answered.
 *
 * @module
 */

import type { RecordedRequest, ScriptedReply } from "../support/openai_server.ts";

/** The script: the reply to a request, from the task's prompt and what was asked before. */
export function batchScript(request: RecordedRequest): ScriptedReply {
  const messages = request.body.messages;
  const prompt = String(messages.find((message) => message.role === "user")?.content ?? "");
  const answered = messages.some((message) => message.role === "tool");
  if (prompt === "hang") return { kind: "hang" };
  const [kind, ...rest] = prompt.split(": ");
  const cmd = rest.join(": ");
  if (kind === "loop" || (kind === "sh" && !answered)) {
    return { kind: "message", toolCalls: [{ name: "bash", arguments: JSON.stringify({ cmd }) }] };
  }
  return { kind: "message", content: "Done." };
}
