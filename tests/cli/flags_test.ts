import assert from "node:assert/strict";
import { VERSION } from "../../lib/version.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { bashCall, runCli } from "./cli_process.ts";

Deno.test("pygent -V prints the version and exits 0", async () => {
  const result = await runCli(["-V"]);
  assert.deepEqual([result.code, result.stdout], [0, `${VERSION}\n`]);
});

Deno.test("pygent --help lists the options and exits 0", async () => {
  const result = await runCli(["--help"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /Usage: pygent \[options\] \[request\.\.\.\]/);
  assert.match(result.stdout, /--no-docker/);
  assert.match(result.stdout, /--profile <name>/);
  assert.match(result.stdout, /\.pygent\/config\.toml/);
});

Deno.test("a bad flag or a bad variable stops pygent with code 2 and a message", async () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [["--frobnicate"], {}, /unknown option '--frobnicate'/],
    [["--max-steps", "many"], {}, /--max-steps "many" is not valid/],
    [["--image"], {}, /argument missing/],
    [[], { PYGENT_USE_DOCKER: "perhaps" }, /PYGENT_USE_DOCKER=perhaps is not valid/],
    [[], { PYGENT_TIMEOUT: "0" }, /PYGENT_TIMEOUT=0 is not valid/],
    [["--memory", "1m"], {}, /^pygent: --memory "1m" is too small; use at least 6m\.\n$/],
    [
      ["--sandbox", "vm"],
      {},
      /^pygent: --sandbox "vm" is not valid; use auto, docker or host\.\n$/,
    ],
    [[], { PYGENT_SANDBOX: "host", PYGENT_USE_DOCKER: "1" }, /disagree/],
  ];
  await Promise.all(cases.map(async ([args, env, pattern]) => {
    const result = await runCli(["hello", ...args], { env });
    assert.equal(result.code, 2, `${args.join(" ")} ${JSON.stringify(env)}`);
    assert.match(result.stderr, pattern);
    assert.equal(result.stdout, "");
  }));
});

Deno.test("an unreadable --load file stops pygent with code 2", async () => {
  const result = await runCli(["--no-docker", "--load", "/no/such/chat.json", "hi"], {
    env: { OPENAI_API_KEY: "k" },
  });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^pygent: Cannot load the conversation from \/no\/such\/chat\.json/);
});

Deno.test("--model beats PYGENT_MODEL in the request sent to the server", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", content: "A." },
    { kind: "message", content: "B." },
  ]);
  const env = { PYGENT_MODEL: "env-model" };
  assert.equal((await runCli(["--no-docker", "hi"], { server, env })).code, 0);
  assert.equal(
    (await runCli(["--no-docker", "--model", "flag-model", "hi"], { server, env })).code,
    0,
  );
  assert.deepEqual(server.requests.map((r) => r.body.model), ["env-model", "flag-model"]);
});

Deno.test("--max-steps stops a step that has not finished, says so, and exits 1", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bashCall("true")] },
  ]);
  const result = await runCli(["--no-docker", "--max-steps", "1", "loop"], { server });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /Stopped after 1 model request without a final answer \(--max-steps 1\); run again with a higher --max-steps\./,
  );
  assert.doesNotMatch(result.stderr, /Send another message/, "a one-shot run takes none");
  assert.equal(server.requests.length, 1);
});
