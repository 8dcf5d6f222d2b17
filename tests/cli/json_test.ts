import assert from "node:assert/strict";
import { dockerTest } from "../support/docker.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { JsonView } from "../../lib/cli/json_view.ts";
import { bashCall, eventsOf, jsonLines, runCli } from "./cli_process.ts";

dockerTest("--json prints nothing but events, one JSON object a line", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", content: "Running.", toolCalls: [bashCall("echo out; echo err >&2")] },
    { kind: "message", content: "Finished." },
  ]);
  const result = await runCli(["--json", "do it"], { server });
  assert.equal(result.code, 0, result.stderr);
  const events = jsonLines(result.stdout);
  const types: string[] = events.map((e) => e.type);
  assert.equal(types[0], "session");
  assert.equal(types.at(-1), "step_end");
  for (const type of ["request", "text", "assistant", "tool_call", "tool_result", "usage"]) {
    assert.ok(types.includes(type), `a ${type} event`);
  }
  const [session] = eventsOf(events, "session");
  assert.equal(session.sandbox.kind, "docker");
  assert.match(session.workspace, /pygent-/, "the temporary workspace's path");
  assert.equal(session.temporaryWorkspace, true);
  await assert.rejects(Deno.stat(session.workspace), Deno.errors.NotFound, "removed at the end");
  const result_ = events.find((e) => e.type === "tool_result") as {
    content: string;
    exitCode: number;
  };
  assert.equal(result_.exitCode, 0);
  assert.match(result_.content, /out\n\[stderr\]\nerr/);
  const text = eventsOf(events, "text").map((e) => e.delta).join("");
  assert.equal(text, "Running.Finished.");
  assert.equal(result.stderr, "", "the session event said the workspace is temporary");
});

Deno.test("--json reports an error as an event too", async () => {
  await using server = await OpenAIServer.start([
    { kind: "error", status: 404, message: "The model does not exist", code: "model_not_found" },
  ]);
  const result = await runCli(["--json", "--no-docker", "--model", "nope", "hi"], { server });
  assert.equal(result.code, 1);
  const events = jsonLines(result.stdout);
  const [error] = eventsOf(events, "error");
  assert.match(error.message, /"nope" is not available/);
  assert.deepEqual(events.at(-1), { ...events.at(-1), type: "step_end", outcome: "failed" });
});

Deno.test("--json --no-docker warns that nothing is isolated with a notice event", async () => {
  await using server = await OpenAIServer.start([{ kind: "message", content: "Hi." }]);
  const result = await runCli(["--json", "--no-docker", "hi"], { server });
  assert.equal(result.code, 0, result.stderr);
  const events = jsonLines(result.stdout);
  assert.ok(
    eventsOf(events, "notice").some((e) => /NOT isolated/.test(e.message)),
    result.stdout,
  );
  const [session] = eventsOf(events, "session");
  assert.equal(session.sandbox.kind, "local");
  assert.equal(result.stderr, "");
});

Deno.test("--json closes a !COMMAND with its tool_result and a step_end", async () => {
  const result = await runCli(["--json", "--no-docker"], {
    env: { OPENAI_API_KEY: "unused" },
    stdin: "!echo hi\n",
  });
  assert.equal(result.code, 0, result.stderr);
  const types = jsonLines(result.stdout).map((e) => e.type);
  assert.deepEqual(types.slice(-4), ["tool_call", "tool_output", "tool_result", "step_end"]);
});

Deno.test("--json escapes every control character, C1 ones too", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", content: "\x1b]52;c;ZXZpbA==\x07 \x9b2J \x7f" },
  ]);
  const result = await runCli(["--json", "--no-docker", "hi"], { server });
  assert.equal(result.code, 0, result.stderr);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(result.stdout, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  const text = eventsOf(jsonLines(result.stdout), "text").map((e) => e.delta).join("");
  assert.equal(text, "\x1b]52;c;ZXZpbA==\x07 \x9b2J \x7f", "the text itself is unchanged");
});

// Characters a terminal acts on, reorders text around or shows as nothing.
const HIDDEN =
  // deno-lint-ignore no-control-regex
  /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

Deno.test("--json escapes bidi controls and zero-width characters, and they parse back exactly", async () => {
  // Harmless on the host: everything after "#" is a comment.
  const cmd = "echo safe #\recho hi\b\x1b[8m\u202e\u2066x\u2069\u200b";
  const call = bashCall(cmd);
  await using server = await OpenAIServer.start([
    { kind: "message", content: "a\u202eb\u200bc", toolCalls: [call] },
    { kind: "message", content: "Done." },
  ]);
  const result = await runCli(["--json", "--no-docker", "hi"], { server });
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout, HIDDEN);
  assert.match(result.stdout, /\\u202e\\u2066x\\u2069\\u200b/);
  const events = jsonLines(result.stdout);
  const [toolCall] = eventsOf(events, "tool_call");
  assert.equal(toolCall.arguments, call.arguments, "the arguments as the model sent them");
  assert.equal(JSON.parse(toolCall.arguments).cmd, cmd);
  const text = eventsOf(events, "text").map((e) => e.delta).join("");
  assert.equal(text, "a\u202eb\u200bcDone.");
});

Deno.test("JsonView escapes bidi controls and zero-width characters in every event", () => {
  const lines: string[] = [];
  const view = new JsonView((line) => lines.push(line));
  const evil = "\u202e\u2066\u200b\ufeff";
  const args = JSON.stringify({ path: `a${evil}.txt` });
  view.event({ type: "tool_call", id: "1", name: "write_file", arguments: args });
  view.info(evil);
  view.error(new Error(evil));
  for (const line of lines) assert.doesNotMatch(line, HIDDEN, line);
  const [call, info, error] = lines.map((line) => JSON.parse(line));
  assert.equal(call.arguments, args);
  assert.equal(info.message, evil);
  assert.equal(error.message, evil);
});
