// The OpenAI model: streaming, servers that differ from OpenAI, retries, and final failures
// with plain messages; the real npm:openai client against the test server over HTTP.
import assert from "node:assert/strict";
import {
  ContextTooLongError,
  ModelAuthError,
  ModelNotFoundError,
  ModelRateLimitError,
  ModelRequestError,
  ModelUnavailableError,
  OpenAIModel,
  type RetryInfo,
} from "../../lib/mod.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { testAgent, testModel } from "./_helpers.ts";

const messages = [{ role: "user" as const, content: "hi" }];
const hello = { kind: "message" as const, content: "Hello." };

Deno.test("OpenAIModel streams the text and reassembles tool-call arguments split across chunks", async () => {
  const args = JSON.stringify({ path: "dir/naïve 🌍.txt", content: "line 1\nline 2\n".repeat(20) });
  await using server = await OpenAIServer.start([{
    kind: "message",
    content: "Writing 📝 it.",
    toolCalls: [{ id: "call_x", name: "write_file", arguments: args }],
    usage: { prompt_tokens: 7, completion_tokens: 3 },
  }], { chunkSize: 3 });
  const deltas: string[] = [];
  const reply = await testModel(server).complete({
    messages,
    tools: [],
    onText: (d) => deltas.push(d),
  });

  assert.ok(deltas.length > 1);
  assert.equal(deltas.join(""), "Writing 📝 it.");
  assert.equal(reply.content, "Writing 📝 it.");
  assert.deepEqual(reply.toolCalls, [
    { id: "call_x", type: "function", function: { name: "write_file", arguments: args } },
  ]);
  assert.deepEqual(reply.usage, { promptTokens: 7, completionTokens: 3, totalTokens: 10 });
});

Deno.test("OpenAIModel asks for streaming with usage and sends the tools", async () => {
  await using server = await OpenAIServer.start([hello]);
  await testModel(server).complete({
    messages,
    tools: [{ type: "function", function: { name: "t", description: "d", parameters: {} } }],
  });
  const body = server.requests[0].body;
  assert.equal(body.stream, true);
  assert.deepEqual(body.stream_options, { include_usage: true });
  assert.equal(body.tools?.length, 1);
});

Deno.test("a 429 with retry-after is retried after the time the server asked for", async () => {
  await using server = await OpenAIServer.start([
    { kind: "error", status: 429, message: "Rate limit reached", headers: { "retry-after": "1" } },
    hello,
  ]);
  const started = performance.now();
  const reply = await testModel(server).complete({ messages, tools: [] });

  assert.equal(reply.content, "Hello.");
  assert.equal(server.requests.length, 2);
  assert.ok(performance.now() - started >= 950, "waited for retry-after");
});

Deno.test("a 5xx is retried and the step goes on", async () => {
  await using server = await OpenAIServer.start([
    { kind: "error", status: 503, message: "Overloaded", headers: { "retry-after": "0" } },
    { kind: "error", status: 500, message: "Oops", headers: { "retry-after": "0" } },
    hello,
  ]);
  await using ag = testAgent(server);
  assert.equal((await ag.step("hi")).text, "Hello.");
  assert.equal(server.requests.length, 3);
});

Deno.test("a connection dropped before the reply is retried", async () => {
  await using server = await OpenAIServer.start([{ kind: "drop" }, hello]);
  const reply = await testModel(server).complete({ messages, tools: [] });
  assert.equal(reply.content, "Hello.");
  assert.equal(server.requests.length, 2);
});

Deno.test("a reply cut mid-stream is asked for again, with a retry event, and starts over", async () => {
  await using server = await OpenAIServer.start([
    { kind: "dropMidStream", content: "Hel" },
    hello,
  ]);
  const retries: RetryInfo[] = [];
  const deltas: string[] = [];
  const reply = await testModel(server).complete({
    messages,
    tools: [],
    onText: (d) => deltas.push(d),
    onRetry: (r) => retries.push(r),
  });

  assert.equal(reply.content, "Hello.");
  assert.equal(retries.length, 1);
  assert.equal(retries[0].attempt, 2);
  assert.equal(retries[0].reason, "the connection was cut mid-reply");
  assert.equal(deltas.join(""), "HelHello.");
});

Deno.test("a reply cut mid-stream on every attempt is a ModelUnavailableError", async () => {
  await using server = await OpenAIServer.start(() => ({ kind: "dropMidStream", content: "x" }));
  await assert.rejects(
    testModel(server, { maxRetries: 1 }).complete({ messages, tools: [] }),
    (e) =>
      e instanceof ModelUnavailableError &&
      e.message.includes("(the connection was cut mid-reply); gave up after 2 attempts"),
  );
  assert.equal(server.requests.length, 2);
});

Deno.test("a bad key is a ModelAuthError that says to check OPENAI_API_KEY", async () => {
  await using server = await OpenAIServer.start([{
    kind: "error",
    status: 401,
    message: "Incorrect API key provided: sk-bad.",
    code: "invalid_api_key",
  }]);
  await assert.rejects(
    testModel(server).complete({ messages, tools: [] }),
    (e) =>
      e instanceof ModelAuthError && e.status === 401 &&
      e.message ===
        "The model server refused the API key (401: Incorrect API key provided: sk-bad.). " +
          "Check OPENAI_API_KEY.",
  );
  assert.equal(server.requests.length, 1, "not retried");
});

Deno.test("an unknown model is a ModelNotFoundError that names the model and the server", async () => {
  await using server = await OpenAIServer.start([{
    kind: "error",
    status: 404,
    message: "The model `gpt-9` does not exist or you do not have access to it.",
    code: "model_not_found",
  }]);
  await assert.rejects(
    testModel(server).complete({ messages, tools: [] }),
    (e) =>
      e instanceof ModelNotFoundError &&
      e.message.startsWith(`The model "test-model" is not available at ${server.baseURL} (404: `) &&
      e.message.endsWith(
        "Choose a model the server offers (--model, PYGENT_MODEL or model in the config file), " +
          "or check the base URL.",
      ),
  );
});

Deno.test("a conversation too long for the model is a ContextTooLongError", async () => {
  await using server = await OpenAIServer.start([{
    kind: "error",
    status: 400,
    message: "This model's maximum context length is 128000 tokens.",
    code: "context_length_exceeded",
  }]);
  await assert.rejects(
    testModel(server).complete({ messages, tools: [] }),
    (e) => e instanceof ContextTooLongError && /Start a new conversation \(reset\)/.test(e.message),
  );
});

Deno.test("a server that keeps failing is a ModelUnavailableError after the retries", async () => {
  await using server = await OpenAIServer.start(() => ({
    kind: "error",
    status: 502,
    message: "Bad gateway",
    headers: { "retry-after": "0" },
  }));
  await assert.rejects(
    testModel(server).complete({ messages, tools: [] }),
    (e) =>
      e instanceof ModelUnavailableError && e.status === 502 &&
      e.message.includes("(502: Bad gateway); gave up after 3 attempts"),
  );
  assert.equal(server.requests.length, 3);
});

Deno.test("a rate limit that never lifts is a ModelRateLimitError", async () => {
  await using server = await OpenAIServer.start(() => ({
    kind: "error",
    status: 429,
    message: "You exceeded your current quota.",
    headers: { "retry-after": "0" },
  }));
  await assert.rejects(
    testModel(server, { maxRetries: 1 }).complete({ messages, tools: [] }),
    (e) => e instanceof ModelRateLimitError && /gave up after 2 attempts/.test(e.message),
  );
});

Deno.test("a server that is not running is a ModelUnavailableError naming its address", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const baseURL = `http://127.0.0.1:${listener.addr.port}/v1`;
  listener.close();
  const model = new OpenAIModel({ baseURL, model: "m", maxRetries: 0 });
  await assert.rejects(
    model.complete({ messages, tools: [] }),
    (e) =>
      e instanceof ModelUnavailableError && e.message.startsWith(`The model server at ${baseURL}`),
  );
});

Deno.test("another 4xx is a ModelRequestError with the server's words", async () => {
  await using server = await OpenAIServer.start([{
    kind: "error",
    status: 400,
    message: "Invalid value for 'tools'.",
  }]);
  await assert.rejects(
    testModel(server).complete({ messages, tools: [] }),
    (e) =>
      e instanceof ModelRequestError &&
      e.message === "The model server rejected the request (400: Invalid value for 'tools'.).",
  );
});

Deno.test("aborting a reply in progress rejects promptly with the abort reason", async () => {
  await using server = await OpenAIServer.start([{ kind: "hang" }]);
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("stop")), 100);
  await assert.rejects(
    testModel(server).complete({ messages, tools: [], signal: controller.signal }),
    { message: "stop" },
  );
});

Deno.test("OPENAI_BASE_URL configures the default model's server, as in OpenAI's SDK; PYGENT_MODEL is not read", () => {
  const env: Record<string, string> = {
    PYGENT_MODEL: "qwen2.5",
    OPENAI_BASE_URL: "http://127.0.0.1:11434/v1",
  };
  const model = new OpenAIModel({ getEnv: (n) => env[n] });
  assert.equal(model.name, "gpt-4o-mini");
  assert.equal(model.baseURL, "http://127.0.0.1:11434/v1");
  assert.equal(
    new OpenAIModel({ getEnv: (n) => n === "OPENAI_API_KEY" ? "k" : undefined }).name,
    "gpt-4o-mini",
  );
});

Deno.test("without streaming, a whole reply with text and tool calls comes back as a streamed one", async () => {
  await using server = await OpenAIServer.start([{
    kind: "message",
    content: "Let me run it.",
    toolCalls: [{ id: "call_1", name: "bash", arguments: '{"cmd":"ls"}' }],
  }]);
  const deltas: string[] = [];
  const reply = await testModel(server, { stream: false }).complete({
    messages,
    tools: [],
    onText: (d) => deltas.push(d),
  });

  assert.equal(server.requests[0].body.stream, undefined);
  assert.deepEqual(deltas, ["Let me run it."]);
  assert.deepEqual(reply, {
    content: "Let me run it.",
    toolCalls: [{
      id: "call_1",
      type: "function",
      function: { name: "bash", arguments: '{"cmd":"ls"}' },
    }],
    usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
  });
});

Deno.test("without streaming, a reply cut midway is asked for again", async () => {
  await using server = await OpenAIServer.start([{ kind: "dropMidStream", content: "Hel" }, hello]);
  const retries: RetryInfo[] = [];
  const reply = await testModel(server, { stream: false }).complete({
    messages,
    tools: [],
    onRetry: (r) => retries.push(r),
  });
  assert.equal(reply.content, "Hello.");
  assert.equal(retries.length, 1);
});
