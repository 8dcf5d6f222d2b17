import assert from "node:assert/strict";
import { dockerTest } from "../support/docker.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { bashCall, containersOf, runCli, spawnCli } from "./cli_process.ts";

dockerTest("pygent REQUEST runs the request in a container, exits 0 and removes it", async () => {
  const workspace = await Deno.makeTempDir({ prefix: "pygent-cli-test-" });
  try {
    await using server = await OpenAIServer.start([
      {
        kind: "message",
        content: "Computing.",
        toolCalls: [
          bashCall("python3 -c 'print(6*7)' | tee answer.txt; cat /etc/os-release | head -1"),
        ],
      },
      { kind: "message", content: "The answer is **42**." },
    ]);
    const child = spawnCli(["--workspace", workspace, "compute", "6*7"], { server });
    const { code, stdout, stderr } = await child.output();
    const text = new TextDecoder().decode(stdout);
    assert.equal(code, 0, new TextDecoder().decode(stderr));
    assert.match(text, /\$ python3 -c 'print\(6\*7\)'/);
    assert.match(text, /│ 42\n/);
    assert.match(text, /exit 0/);
    assert.match(text, /The answer is \*\*42\*\*\./, "no colour on a pipe: Markdown as written");
    assert.equal(server.requests[0].body.messages.at(-1)?.content, "compute 6*7");
    assert.equal(await Deno.readTextFile(`${workspace}/answer.txt`), "42\n");
    assert.deepEqual(await containersOf(child.pid), []);
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
});

Deno.test("pygent --no-docker runs commands on the host, in the workspace", async () => {
  const workspace = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-cli-test-" }));
  try {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bashCall("pwd; echo made > made.txt")] },
      { kind: "message", content: "Done." },
    ]);
    const result = await runCli(
      ["--no-docker", "--approval", "never", "--workspace", workspace, "where are you"],
      { server },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.ok(result.stdout.includes(`│ ${workspace}\n`), result.stdout);
    assert.equal(await Deno.readTextFile(`${workspace}/made.txt`), "made\n");
    assert.equal(
      result.stderr,
      "! Commands run on this host, NOT isolated: they can read and change anything your user can.\n",
      "the warning, once, and no fallback notice: the host was asked for",
    );
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
});

Deno.test("pygent REQUEST exits 1 and says why when the model server refuses it", async () => {
  await using server = await OpenAIServer.start([
    { kind: "error", status: 401, message: "Incorrect API key provided", code: "invalid_api_key" },
  ]);
  const result = await runCli(["--no-docker", "hello"], { server });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /refused the API key/);
});

Deno.test("pygent without a key for OpenAI's API stops with a clear error and code 2", async () => {
  const result = await runCli(["--no-docker", "hello"]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^pygent: OPENAI_API_KEY is not set/);
  assert.equal(result.stdout, "");
});

dockerTest("an error that ends a run still removes its container", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bashCall("echo started")] },
    { kind: "error", status: 400, message: "Bad request: something is off" },
  ]);
  const child = spawnCli(["--docker", "start then fail"], { server });
  const { code, stderr } = await child.output();
  assert.equal(code, 1);
  assert.match(new TextDecoder().decode(stderr), /something is off/);
  assert.deepEqual(await containersOf(child.pid), []);
});

Deno.test("a one-shot run in a temporary workspace says at the end that it was removed", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bashCall("pwd")] },
    { kind: "message", content: "Done." },
  ]);
  const result = await runCli(["--no-docker", "--approval", "never", "make a file"], { server });
  assert.equal(result.code, 0, result.stderr);
  const workspace = /│ (\S*pygent-\w+\/workspace)\n/.exec(result.stdout)?.[1];
  assert.ok(workspace, result.stdout);
  const last = result.stderr.trimEnd().split("\n").at(-1);
  assert.equal(
    last,
    `pygent: the temporary workspace ${workspace} was removed; use --cwd or --workspace DIR ` +
      "to keep the files.",
  );
  await assert.rejects(Deno.stat(workspace), Deno.errors.NotFound);
});

Deno.test("a one-shot run in a named workspace says nothing of removing it", async () => {
  const workspace = await Deno.makeTempDir({ prefix: "pygent-cli-test-" });
  try {
    await using server = await OpenAIServer.start([{ kind: "message", content: "Done." }]);
    const result = await runCli(["--no-docker", "--workspace", workspace, "hi"], { server });
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /temporary workspace/);
  } finally {
    await Deno.remove(workspace, { recursive: true });
  }
});
