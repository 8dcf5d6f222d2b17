// The scripts in examples/ run as real processes against the test server, configured only
// through the environment variables a user would set.
import assert from "node:assert/strict";
import { OpenAIServer } from "../support/openai_server.ts";
import { assertValidRequest, toolResults } from "./_helpers.ts";

const root = new URL("../../", import.meta.url);

/** Runs `deno run -A examples/<name>` with the model at `server`, on the host. */
async function runExample(server: OpenAIServer, name: string, args: string[] = []) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `examples/${name}`, ...args],
    cwd: root,
    env: {
      OPENAI_BASE_URL: server.baseURL,
      OPENAI_API_KEY: "",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

Deno.test("the seed's example runs from examples/ against an OpenAI-compatible server", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [{ name: "bash", arguments: `{"cmd":"echo 'Ola Mundo'"}` }] },
    { kind: "message", content: "It printed Ola Mundo." },
  ]);
  const { code, stderr } = await runExample(server, "seed.ts");

  assert.equal(code, 0, stderr);
  assert.equal(server.requests[0].body.model, "gpt-4o-mini");
  assert.equal(server.requests[0].body.messages[1].content, "echo 'Ola Mundo'");
  assert.deepEqual(toolResults(server.requests[1]), ["Ola Mundo\n[exit code 0]"]);
  assertValidRequest(server.requests[1]);
});

Deno.test("the extra-tool example offers its clock tool and runs it", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [{ name: "clock", arguments: '{"timeZone":"UTC"}' }] },
    {
      kind: "message",
      toolCalls: [{ name: "write_file", arguments: '{"path":"report.txt","content":"Report\\n"}' }],
    },
    { kind: "message", content: "Wrote report.txt." },
  ]);
  const { code, stdout, stderr } = await runExample(server, "extra_tool.ts");

  assert.equal(code, 0, stderr);
  const names = server.requests[0].body.tools?.map((t) => t.type === "function" && t.function.name);
  assert.ok(names?.includes("clock"));
  assert.match(toolResults(server.requests[1])[0], /\d{4}.* UTC$/);
  assert.match(stdout, /\[clock\] \{"timeZone":"UTC"\}/);
  assert.match(stdout, /Wrote report\.txt\./);
});

Deno.test("the one-shot example runs the task given on its command line and exits 0", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [{ name: "bash", arguments: '{"cmd":"python3 -V || true"}' }] },
    { kind: "message", content: "Done: printed the version." },
  ]);
  const { code, stdout, stderr } = await runExample(server, "one_shot.ts", [
    "Print",
    "the",
    "version",
  ]);

  assert.equal(code, 0, stderr);
  assert.equal(server.requests[0].body.messages[1].content, "Print the version");
  assert.match(stdout, /→ bash \{"cmd":"python3 -V \|\| true"\}\n← ok in \d+ ms/);
  assert.match(stdout, /Done: printed the version\.\n$/);
});

Deno.test("the one-shot example exits 1 with the error when the model server fails", async () => {
  await using server = await OpenAIServer.start([
    { kind: "error", status: 401, message: "Incorrect API key provided." },
  ]);
  const { code, stderr } = await runExample(server, "one_shot.ts", ["hi"]);

  assert.equal(code, 1);
  assert.match(stderr, /Error: The model server refused the API key \(401: Incorrect API key/);
});
