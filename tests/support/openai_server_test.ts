import assert from "node:assert/strict";
import OpenAI from "openai";
import { OpenAIServer } from "./openai_server.ts";

const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Hello" }];

function clientFor(server: OpenAIServer, maxRetries = 0): OpenAI {
  return new OpenAI({ apiKey: "test", baseURL: server.baseURL, maxRetries });
}

Deno.test("OpenAIServer answers a non-streamed request with a tool call the client parses", async () => {
  await using server = await OpenAIServer.start([{
    kind: "message",
    toolCalls: [{ id: "call_abc", name: "bash", arguments: '{"cmd":"ls"}' }],
    usage: { prompt_tokens: 12, completion_tokens: 3 },
  }]);
  const reply = await clientFor(server).chat.completions.create({ model: "gpt-test", messages });

  assert.equal(reply.object, "chat.completion");
  assert.equal(reply.model, "gpt-test");
  const choice = reply.choices[0];
  assert.equal(choice.finish_reason, "tool_calls");
  assert.equal(choice.message.role, "assistant");
  assert.equal(choice.message.content, null);
  assert.deepEqual(choice.message.tool_calls, [
    { id: "call_abc", type: "function", function: { name: "bash", arguments: '{"cmd":"ls"}' } },
  ]);
  assert.deepEqual(reply.usage, { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 });
});

Deno.test("OpenAIServer streams tool-call argument deltas that the client reassembles exactly", async () => {
  const args = '{"path":"dir/naïve 🌍.txt","content":"line 1\\nline 2"}';
  await using server = await OpenAIServer.start([{
    kind: "message",
    content: "Writing the file 📝 now.",
    toolCalls: [{ name: "write_file", arguments: args }, { name: "bash", arguments: "" }],
  }]);
  const stream = clientFor(server).chat.completions.stream({ model: "gpt-test", messages });
  const final = await stream.finalChatCompletion();

  const message = final.choices[0].message;
  assert.equal(final.choices[0].finish_reason, "tool_calls");
  assert.equal(message.content, "Writing the file 📝 now.");
  assert.deepEqual(message.tool_calls?.map((call) => call.type === "function" && call.function), [
    { name: "write_file", arguments: args },
    { name: "bash", arguments: "" },
  ]);
  assert.deepEqual(message.tool_calls?.map((call) => call.id), ["call_1", "call_2"]);
});

Deno.test("OpenAIServer streams a tool call scripted with id null without an id", async () => {
  await using server = await OpenAIServer.start([{
    kind: "message",
    toolCalls: [{ id: null, name: "bash", arguments: '{"cmd":"pwd"}' }],
  }]);
  const stream = await clientFor(server).chat.completions.create({
    model: "gpt-test",
    messages,
    stream: true,
  });
  const deltas: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall[] = [];
  for await (const chunk of stream) deltas.push(...chunk.choices[0]?.delta.tool_calls ?? []);

  assert.ok(deltas.length > 2, "arguments should arrive over several chunks");
  assert.ok(deltas.every((delta) => !("id" in delta) && delta.index === 0));
  assert.equal(deltas[0].function?.name, "bash");
  assert.equal(deltas.map((delta) => delta.function?.arguments).join(""), '{"cmd":"pwd"}');
});

Deno.test("OpenAIServer sends a usage chunk when include_usage is set", async () => {
  await using server = await OpenAIServer.start([{
    kind: "message",
    content: "Done.",
    usage: { prompt_tokens: 100, completion_tokens: 7 },
  }]);
  const stream = await clientFor(server).chat.completions.create({
    model: "gpt-test",
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks: OpenAI.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);

  const last = chunks.at(-1);
  assert.deepEqual(last?.choices, []);
  assert.deepEqual(last?.usage, { prompt_tokens: 100, completion_tokens: 7, total_tokens: 107 });
  assert.equal(chunks.at(-2)?.choices[0].finish_reason, "stop");
});

Deno.test("OpenAIServer's 429 with retry-after 0 is retried by the client", async () => {
  await using server = await OpenAIServer.start([
    { kind: "error", status: 429, message: "Rate limit reached", headers: { "retry-after": "0" } },
    { kind: "message", content: "After the limit." },
  ]);
  const started = performance.now();
  const reply = await clientFor(server, 1).chat.completions.create({ model: "gpt-test", messages });

  assert.equal(reply.choices[0].message.content, "After the limit.");
  assert.equal(server.requests.length, 2);
  assert.ok(performance.now() - started < 400, "retry-after: 0 should retry at once");
});

Deno.test("OpenAIServer's 401 surfaces as OpenAI.AuthenticationError with the scripted message", async () => {
  await using server = await OpenAIServer.start([
    { kind: "error", status: 401, message: "Incorrect API key provided.", code: "invalid_api_key" },
  ]);
  const error = await clientFor(server, 2).chat.completions.create({ model: "gpt-test", messages })
    .then(() => undefined, (error: unknown) => error);

  assert.ok(error instanceof OpenAI.AuthenticationError);
  assert.equal(error.status, 401);
  assert.equal(error.code, "invalid_api_key");
  assert.equal(error.type, "invalid_request_error");
  assert.equal(error.message, "401 Incorrect API key provided.");
  assert.equal(server.requests.length, 1);
});

Deno.test("OpenAIServer's dropped connection is retried by the client", async () => {
  await using server = await OpenAIServer.start([
    { kind: "drop" },
    { kind: "message", content: "Second try." },
  ]);
  const reply = await clientFor(server, 1).chat.completions.create({ model: "gpt-test", messages });

  assert.equal(reply.choices[0].message.content, "Second try.");
  assert.equal(server.requests.length, 2);
});

Deno.test("OpenAIServer's hang lets an AbortSignal abort the client promptly", async () => {
  const arrived = Promise.withResolvers<void>();
  await using server = await OpenAIServer.start(() => {
    arrived.resolve();
    return { kind: "hang" };
  });
  const controller = new AbortController();
  const request = clientFor(server, 2).chat.completions.create({ model: "gpt-test", messages }, {
    signal: controller.signal,
  });
  await arrived.promise;
  const started = performance.now();
  controller.abort();

  await assert.rejects(request, OpenAI.APIUserAbortError);
  assert.ok(performance.now() - started < 500, "abort should not wait for the server");
  assert.equal(server.requests.length, 1);
});

Deno.test("OpenAIServer's close() ends a stream that hangs after its first chunk", async () => {
  const server = await OpenAIServer.start([{ kind: "hang" }]);
  const stream = await clientFor(server).chat.completions.create({
    model: "gpt-test",
    messages,
    stream: true,
  });
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  assert.equal(first.done, false);
  assert.equal(first.value?.choices[0].delta.role, "assistant");

  const next = iterator.next();
  await server.close();
  await assert.rejects(next);
});

Deno.test("OpenAIServer's dropMidStream cuts a stream after its content", async () => {
  await using server = await OpenAIServer.start([{
    kind: "dropMidStream",
    content: "Partial answer",
  }]);
  const stream = await clientFor(server).chat.completions.create({
    model: "gpt-test",
    messages,
    stream: true,
  });
  let content = "";
  await assert.rejects(async () => {
    for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? "";
  });
  assert.equal(content, "Partial answer");
});

Deno.test("OpenAIServer writes SSE events in small pieces that straddle network reads", async () => {
  await using server = await OpenAIServer.start([{ kind: "message", content: "Split me." }]);
  const response = await fetch(`${server.baseURL}/chat/completions`, {
    method: "POST",
    body: JSON.stringify({ model: "gpt-test", messages, stream: true }),
  });
  assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reads: Uint8Array[] = [];
  for await (const bytes of response.body!) reads.push(bytes);

  const text = new TextDecoder().decode(new Uint8Array(reads.flatMap((bytes) => [...bytes])));
  const events = text.split("\n\n").filter((event) => event !== "");
  assert.equal(events.at(-1), "data: [DONE]");
  assert.ok(reads.length > events.length, `${reads.length} reads for ${events.length} events`);
  assert.ok(reads.every((bytes) => bytes.length <= 7), "no read should exceed chunkSize");
});

Deno.test("OpenAIServer records each request's body and bearer key", async () => {
  await using server = await OpenAIServer.start([{ kind: "message", content: "Hi" }]);
  await new OpenAI({ apiKey: "sk-recorded", baseURL: server.baseURL, maxRetries: 0 })
    .chat.completions.create({ model: "gpt-test", messages, temperature: 0 });

  assert.equal(server.requests.length, 1);
  assert.deepEqual(server.requests[0].body, { model: "gpt-test", messages, temperature: 0 });
  assert.equal(server.requests[0].headers.get("authorization"), "Bearer sk-recorded");
});

Deno.test("OpenAIServer plays pushed replies before asking its script function", async () => {
  await using server = await OpenAIServer.start((_request, index) => ({
    kind: "message",
    content: `from the function at ${index}`,
  }));
  server.push({ kind: "message", content: "pushed" });
  const client = clientFor(server);
  const first = await client.chat.completions.create({ model: "gpt-test", messages });
  const second = await client.chat.completions.create({ model: "gpt-test", messages });

  assert.equal(first.choices[0].message.content, "pushed");
  assert.equal(second.choices[0].message.content, "from the function at 1");
});

Deno.test("OpenAIServer answers a non-retryable 500 once its script runs out", async () => {
  await using server = await OpenAIServer.start([]);
  const error = await clientFor(server, 2).chat.completions.create({ model: "gpt-test", messages })
    .then(() => undefined, (error: unknown) => error);

  assert.ok(error instanceof OpenAI.InternalServerError);
  assert.match(error.message, /script exhausted/);
  assert.equal(server.requests.length, 1, "x-should-retry: false should stop the retries");
});

Deno.test("OpenAIServer answers unknown paths with a 404 error body", async () => {
  await using server = await OpenAIServer.start();
  const response = await fetch(`${server.baseURL}/nope`);

  assert.equal(response.status, 404);
  assert.deepEqual(await response.json(), {
    error: {
      message: "Invalid URL (GET /v1/nope)",
      type: "invalid_request_error",
      param: null,
      code: null,
    },
  });
});

Deno.test("OpenAIServer lists one model", async () => {
  await using server = await OpenAIServer.start();
  const models = await clientFor(server).models.list();

  assert.deepEqual(models.data.map((model) => model.id), ["test-model"]);
});

Deno.test("OpenAIServer lists the models it was given, none included", async () => {
  await using two = await OpenAIServer.start([], { models: ["a", "b"] });
  await using none = await OpenAIServer.start([], { models: [] });

  assert.deepEqual((await clientFor(two).models.list()).data.map((model) => model.id), ["a", "b"]);
  assert.deepEqual((await clientFor(none).models.list()).data, []);
});

Deno.test("OpenAIServer refuses a key other than its own with 401 invalid_api_key", async () => {
  await using server = await OpenAIServer.start([{ kind: "message", content: "Hi" }], {
    apiKey: "right-key",
  });
  const refused = await clientFor(server).models.list().catch((error) => error);
  assert.ok(refused instanceof OpenAI.AuthenticationError);
  assert.equal(refused.code, "invalid_api_key");
  assert.doesNotMatch(refused.message, /\btest\b/);

  const client = new OpenAI({ apiKey: "right-key", baseURL: server.baseURL, maxRetries: 0 });
  const reply = await client.chat.completions.create({ model: "gpt-test", messages });
  assert.equal(reply.choices[0].message.content, "Hi");
});

Deno.test("OpenAIServer answers a non-retryable 500 when its script function throws", async () => {
  await using server = await OpenAIServer.start(() => {
    throw new Error("unexpected request");
  });
  const error = await clientFor(server, 2).chat.completions.create({ model: "gpt-test", messages })
    .then(() => undefined, (error: unknown) => error);

  assert.ok(error instanceof OpenAI.InternalServerError);
  assert.match(error.message, /script function threw .*unexpected request/);
  assert.equal(server.requests.length, 1);
});

Deno.test("OpenAIServer.start() rejects a chunkSize below one", async () => {
  await assert.rejects(OpenAIServer.start([], { chunkSize: 0 }), RangeError);
});
