import assert from "node:assert/strict";
import { OpenAIServer } from "../support/openai_server.ts";
import { bashCall, runCli } from "./cli_process.ts";

const NO_ENGINE = { DOCKER_HOST: "unix:///nonexistent.sock" };

Deno.test("without an engine, pygent falls back to the host and warns that nothing is isolated", async () => {
  const workspace = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-cli-test-" }));
  try {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bashCall("pwd")] },
      { kind: "message", content: "Ran on the host." },
    ]);
    const result = await runCli(["--approval", "never", "--workspace", workspace, "where"], {
      server,
      env: NO_ENGINE,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Commands run on the host, NOT isolated/);
    assert.ok(result.stdout.includes(`│ ${workspace}\n`), result.stdout);
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
});

Deno.test("after a fallback to the host, a one-shot run asks before every command, so runs none", async () => {
  const workspace = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-cli-test-" }));
  try {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bashCall("touch ran.txt")] },
      { kind: "message", content: "It was refused." },
    ]);
    const result = await runCli(["--workspace", workspace, "touch it"], { server, env: NO_ENGINE });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /Commands run on the host, NOT isolated/);
    await assert.rejects(Deno.stat(`${workspace}/ran.txt`), Deno.errors.NotFound);
    const refused = server.requests[1].body.messages.at(-1);
    assert.match(
      String(refused?.content),
      /^Not run: this needs approval \(approval mode "auto" on the host\)\. Ask the user/,
    );
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
});

Deno.test("pygent --docker without an engine stops with an error and runs nothing", async () => {
  const marker = `${await Deno.makeTempDir({ prefix: "pygent-cli-test-" })}/ran`;
  try {
    await using server = await OpenAIServer.start(() => ({
      kind: "message",
      toolCalls: [bashCall(`touch ${marker}`)],
    }));
    const result = await runCli(["--docker", "touch the marker"], { server, env: NO_ENGINE });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /No Docker engine answered/);
    assert.equal(server.requests.length, 0, "the model was not even asked");
    assert.rejects(() => Deno.stat(marker), Deno.errors.NotFound);
  } finally {
    await Deno.remove(marker.slice(0, -"/ran".length), { recursive: true });
  }
});

Deno.test("PYGENT_USE_DOCKER=1 forces Docker like --docker, and --no-docker beats it", async () => {
  await using server = await OpenAIServer.start([{ kind: "message", content: "Fine." }]);
  const env = { ...NO_ENGINE, PYGENT_USE_DOCKER: "1" };
  const forced = await runCli(["hello"], { server, env });
  assert.equal(forced.code, 1);
  assert.match(forced.stderr, /No Docker engine answered/);
  const host = await runCli(["--no-docker", "hello"], { server, env });
  assert.equal(host.code, 0, host.stderr);
  assert.match(host.stdout, /Fine\./);
});
