import assert from "node:assert/strict";
import { checkModel, type ModelCheckInput } from "../../lib/doctor/model_check.ts";
import { OpenAIServer } from "../support/openai_server.ts";

function input(server: OpenAIServer, extra: Partial<ModelCheckInput> = {}): ModelCheckInput {
  return {
    model: "test-model",
    baseURL: server.baseURL,
    openai: false,
    keyVariable: "OPENAI_API_KEY",
    key: "test-key",
    timeoutMs: 2_000,
    ...extra,
  };
}

Deno.test("checkModel() is ok when the server accepts the key and lists the model", async () => {
  await using server = await OpenAIServer.start([], { apiKey: "test-key" });
  const outcome = await checkModel(input(server));
  assert.equal(outcome.status, "ok");
  assert.match(outcome.summary, /test-model is listed by .* the API key from OPENAI_API_KEY/);
  assert.doesNotMatch(outcome.summary, /test-key/);
});

Deno.test("checkModel() fails when the server refuses the key, without printing it", async () => {
  await using server = await OpenAIServer.start([], { apiKey: "right-key" });
  const key = "sk-wrong-secret-0123456789";
  const outcome = await checkModel(input(server, { key }));
  assert.equal(outcome.status, "fail");
  assert.match(outcome.summary, /refused the API key from OPENAI_API_KEY: 401/);
  assert.match(outcome.remediation ?? "", /OPENAI_API_KEY/);
  assert.doesNotMatch(JSON.stringify(outcome), /wrong-secret/);
});

Deno.test("checkModel() says the server wants a key when none is set", async () => {
  await using server = await OpenAIServer.start([], { apiKey: "right-key" });
  const outcome = await checkModel(input(server, { key: undefined }));
  assert.equal(outcome.status, "fail");
  assert.match(outcome.summary, /wants an API key, and OPENAI_API_KEY is not set/);
});

Deno.test("checkModel() fails for a model the server does not list, naming those it does", async () => {
  await using server = await OpenAIServer.start([], { models: ["a-model", "b-model"] });
  const outcome = await checkModel(input(server, { model: "gpt-nope" }));
  assert.equal(outcome.status, "fail");
  assert.match(outcome.summary, /gpt-nope is not among .*: a-model, b-model/);
  assert.match(outcome.remediation ?? "", /--model/);
});

Deno.test("checkModel() warns when the server lists no models", async () => {
  await using server = await OpenAIServer.start([], { models: [] });
  const outcome = await checkModel(input(server));
  assert.equal(outcome.status, "warn");
  assert.match(outcome.summary, /lists no models/);
});

Deno.test("checkModel() fails when the base URL does not answer", async () => {
  const server = await OpenAIServer.start();
  const { baseURL } = server;
  await server.close();
  const outcome = await checkModel({ ...input(server), baseURL });
  assert.equal(outcome.status, "fail");
  assert.match(outcome.summary, /does not answer/);
  assert.match(outcome.remediation ?? "", /--base-url/);
});

Deno.test("checkModel() fails without asking when OpenAI's API has no key", async () => {
  const outcome = await checkModel({
    model: "gpt-4o-mini",
    baseURL: "https://api.openai.com/v1",
    openai: true,
    keyVariable: "MY_KEY",
    key: undefined,
    timeoutMs: 1,
  });
  assert.equal(outcome.status, "fail");
  assert.match(outcome.summary, /MY_KEY is not set/);
});
