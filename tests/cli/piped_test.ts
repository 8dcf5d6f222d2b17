import assert from "node:assert/strict";
import { dockerTest } from "../support/docker.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { bashCall, containersOf, readUntil, runCli, spawnCli } from "./cli_process.ts";

dockerTest("a piped session takes each line as a message and ends at /exit", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bashCall("cd /tmp && export MARK=kept")] },
    { kind: "message", content: "First done." },
    { kind: "message", toolCalls: [bashCall('echo "$PWD $MARK"')] },
    { kind: "message", content: "Second done." },
  ]);
  const child = spawnCli([], { server, stdin: "first\nsecond\n/exit\nnever sent\n" });
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder().decode(stdout);
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.equal(server.requests.length, 4);
  assert.deepEqual(
    server.requests.map((r) => r.body.messages.filter((m) => m.role === "user").length),
    [1, 1, 2, 2],
    "one conversation across the lines",
  );
  assert.match(text, /First done\.[\s\S]*│ \/tmp kept\n[\s\S]*Second done\./);
  assert.doesNotMatch(text, /pygent›/, "no prompt when stdin is not a terminal");
  assert.deepEqual(await containersOf(child.pid), []);
});

dockerTest("!COMMAND runs in the sandbox without asking the model", async () => {
  await using server = await OpenAIServer.start([]);
  const result = await runCli([], { server, stdin: "!echo from-the-box; id -u; exit 4\n" });
  assert.equal(result.code, 1, "the command failed, so the piped session did");
  assert.equal(server.requests.length, 0);
  assert.match(
    result.stdout,
    /\$ echo from-the-box; id -u; exit 4\n│ from-the-box\n│ \d+\n╰─ exit 4/,
  );
});

dockerTest(
  "in copy mode, what !COMMAND changed is on the host before the next input runs",
  async () => {
    await using server = await OpenAIServer.start([]);
    const workspace = await Deno.makeTempDir({ prefix: "pygent-cli-copy-" });
    try {
      const child = spawnCli(["--sync", "copy", "--workspace", workspace], {
        server,
        stdin: "!echo made > made.txt\n!sleep 3\n",
      });
      await readUntil(child, (line) => line.includes("$ sleep 3"));
      const seen = await Deno.readTextFile(`${workspace}/made.txt`).catch(() => "(not there)");
      await child.stderr.cancel();
      await child.status;
      assert.equal(seen, "made\n");
    } finally {
      await Deno.remove(workspace, { recursive: true });
    }
  },
);

Deno.test("a piped session ends at the end of its input, and answers /help and bad commands", async () => {
  await using server = await OpenAIServer.start([{ kind: "message", content: "Hi there." }]);
  const result = await runCli(["--no-docker"], { server, stdin: "/help\n/bogus\nhello" });
  assert.equal(result.code, 1, "the bad command counts as a failure");
  assert.match(result.stdout, /\/save FILE/);
  assert.match(result.stderr, /Unknown command \/bogus/);
  assert.match(result.stdout, /Hi there\./);
  assert.equal(server.requests.length, 1);
});

Deno.test("/save writes the conversation and --load resumes it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pygent-cli-test-" });
  try {
    await using server = await OpenAIServer.start([
      { kind: "message", content: "Noted: blue." },
      { kind: "message", content: "It was blue." },
    ]);
    const saved = `${dir}/chat.json`;
    const first = await runCli(["--no-docker"], {
      server,
      stdin: `my colour is blue\n/save ${saved}\n`,
    });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /Saved the conversation/);
    const second = await runCli(["--no-docker", "--load", saved, "what was my colour?"], {
      server,
    });
    assert.equal(second.code, 0, second.stderr);
    assert.match(
      second.stdout,
      new RegExp(`^Loaded the conversation from ${saved} \\(2 messages\\)`),
    );
    const users = server.requests[1].body.messages.filter((m) => m.role === "user");
    assert.deepEqual(users.map((m) => m.content), ["my colour is blue", "what was my colour?"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("/save to a missing folder says so in one line and the session goes on", async () => {
  await using server = await OpenAIServer.start([{ kind: "message", content: "Still here." }]);
  const result = await runCli(["--no-docker"], {
    server,
    stdin: "/save /nonexistent/dir/x.json\nhello\n",
  });
  assert.equal(result.code, 1, "the failed /save counts as a failure");
  assert.match(
    result.stderr,
    /^pygent: cannot save to \/nonexistent\/dir\/x\.json: no such folder$/m,
  );
  assert.match(result.stdout, /Still here\./);
});

Deno.test("a piped --no-docker session warns on stderr that nothing is isolated", async () => {
  await using server = await OpenAIServer.start([]);
  const result = await runCli(["--no-docker"], { server, stdin: "/exit\n" });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^! Commands run on this host, NOT isolated/);
});

Deno.test("!COMMAND output cannot drive the terminal: control characters are shown escaped", async () => {
  await using server = await OpenAIServer.start([]);
  const result = await runCli(["--no-docker"], {
    server,
    stdin: "!printf '\\033]52;c;ZXZpbA==\\a\\033[2J'\n",
  });
  assert.equal(result.code, 0, result.stderr);
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(result.stdout + result.stderr, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  assert.match(result.stdout, /│ \^\[\]52;c;ZXZpbA==\^G\^\[\[2J\n/);
});
