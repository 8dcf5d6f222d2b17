// Approvals through the real `pygent` process, where no one can answer (issue 12 §3): a
// one-shot run refuses what needs approval and goes on, a deny rule from the user's config file
// is never asked about, and `--json` reports every call that was not plainly allowed. Also
// `pygent policy check`, which runs nothing.
import assert from "node:assert/strict";
import { dockerTest } from "../support/docker.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { bashCall, eventsOf, jsonLines, runCli } from "./cli_process.ts";

/** A user config file with `text` in a fresh config folder; the variables that point at it. */
async function userConfig(text: string): Promise<{ env: Record<string, string>; file: string }> {
  const home = await Deno.makeTempDir({ prefix: "pygent-approval-home-" });
  await Deno.mkdir(`${home}/xdg/pygent`, { recursive: true });
  const file = `${home}/xdg/pygent/config.toml`;
  await Deno.writeTextFile(file, text);
  return { env: { XDG_CONFIG_HOME: `${home}/xdg`, HOME: home }, file };
}

async function withWorkspace(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-cli-test-" }));
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The last tool result the model was sent in request `n`. */
function lastToolResult(server: OpenAIServer, n: number): string {
  return String(server.requests[n].body.messages.at(-1)?.content);
}

Deno.test("a one-shot run on the host refuses a command that needs approval, tells the model, and goes on", () =>
  withWorkspace(async (workspace) => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bashCall("touch ran.txt")] },
      { kind: "message", content: "I was not allowed to." },
    ]);
    const result = await runCli(
      ["--no-docker", "--json", "--workspace", workspace, "touch it"],
      { server },
    );

    assert.equal(result.code, 0, result.stderr);
    await assert.rejects(Deno.stat(`${workspace}/ran.txt`), Deno.errors.NotFound);
    assert.match(
      lastToolResult(server, 1),
      /^Not run: this needs approval \(approval mode "auto" on the host\)\. Ask the user to run it, or add an allow rule\./,
    );
    const events = jsonLines(result.stdout);
    const [approval] = eventsOf(events, "approval");
    assert.deepEqual(
      [approval.name, approval.arguments, approval.decision, approval.by],
      ["bash", JSON.stringify({ cmd: "touch ran.txt" }), "deny", "mode"],
    );
    const order = events.map((e) => e.type).filter((t) =>
      /^(tool_call|approval|tool_result)$/.test(t)
    );
    assert.deepEqual(order, ["tool_call", "approval", "tool_result"]);
    assert.equal(eventsOf(events, "step_end")[0].outcome, "done");
  }));

Deno.test("a deny rule in the user's config file is never asked about, and the model learns the rule and its file", () =>
  withWorkspace(async (workspace) => {
    const { env, file } = await userConfig('[rules]\ndeny = ["touch"]\n');
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bashCall("echo hi && touch ran.txt")] },
      { kind: "message", content: "Denied." },
    ]);
    const result = await runCli(
      ["--no-docker", "--approval", "never", "--json", "--workspace", workspace, "go"],
      { server, env },
    );

    assert.equal(result.code, 0, result.stderr);
    await assert.rejects(Deno.stat(`${workspace}/ran.txt`), Deno.errors.NotFound);
    const shown = file.replace(env.HOME, "~");
    assert.equal(lastToolResult(server, 1), `Not run: denied by rule "touch" in ${shown} line 2.`);
    const [approval] = eventsOf(jsonLines(result.stdout), "approval");
    assert.deepEqual([approval.decision, approval.by, approval.rule], ["deny", "rule", "touch"]);
  }));

Deno.test("an allow rule lets a one-shot run on the host run that command, and --json says which rule did", () =>
  withWorkspace(async (workspace) => {
    const { env } = await userConfig('[rules]\nallow = ["touch"]\n');
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bashCall("touch ran.txt"), bashCall("pwd")] },
      { kind: "message", content: "Done." },
    ]);
    const result = await runCli(
      ["--no-docker", "--json", "--workspace", workspace, "go"],
      { server, env },
    );

    assert.equal(result.code, 0, result.stderr);
    await Deno.stat(`${workspace}/ran.txt`);
    const approvals = eventsOf(jsonLines(result.stdout), "approval");
    assert.deepEqual(
      approvals.map((a) => [JSON.parse(a.arguments).cmd, a.decision, a.by, a.rule ?? null]),
      [["touch ran.txt", "allow", "rule", "touch"], ["pwd", "deny", "mode", null]],
    );
  }));

dockerTest(
  "in a container, approval auto runs commands unasked and reports no approval",
  async () => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bashCall("echo in-container > made.txt")] },
      { kind: "message", content: "Done." },
    ]);
    const result = await runCli(["--docker", "--json", "write a file"], { server });

    assert.equal(result.code, 0, result.stderr);
    const events = jsonLines(result.stdout);
    assert.deepEqual(eventsOf(events, "approval"), []);
    assert.equal(eventsOf(events, "tool_result")[0].exitCode, 0);
  },
);

dockerTest("in a container, an ask rule makes a one-shot run refuse that command", async () => {
  const { env } = await userConfig('[rules]\nask = ["pip install"]\n');
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bashCall("pip install requests")] },
    { kind: "message", content: "Refused." },
  ]);
  const result = await runCli(["--docker", "--json", "install it"], { server, env });

  assert.equal(result.code, 0, result.stderr);
  assert.match(
    lastToolResult(server, 1),
    /^Not run: this needs approval \(approval mode "auto" in a container\)\./,
  );
  const [approval] = eventsOf(jsonLines(result.stdout), "approval");
  assert.deepEqual([approval.decision, approval.by], ["deny", "mode"]);
});

Deno.test("pygent policy check --json prints the decision, the reason and each part", async () => {
  const { env } = await userConfig('[rules]\nallow = ["git status"]\ndeny = ["git push"]\n');
  const result = await runCli(
    ["policy", "check", "--host", "--json", "--", "git status && git push origin main"],
    { env },
  );

  assert.equal(result.code, 0, result.stderr);
  const verdict = JSON.parse(result.stdout);
  assert.equal(verdict.decision, "deny");
  assert.match(verdict.reason, /denied by rule "git push"/);
  assert.deepEqual(
    verdict.parts.map((p: { command: string; decision: string; rule?: string }) => [
      p.command,
      p.decision,
      p.rule,
    ]),
    [["git status", "allow", "git status"], ["git push origin main", "deny", "git push"]],
  );
});

Deno.test("pygent policy check says in words why a command line asks", async () => {
  const result = await runCli(["policy", "check", "--host", "--", 'eval "$CMD"']);

  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^ask: eval runs its arguments as commands no rule sees\n/);
  assert.match(result.stdout, /\(approval "auto", on the host\)/);
});

Deno.test("pygent policy with no subcommand, or check with no command, is a usage error", async () => {
  const none = await runCli(["policy"]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /pygent policy needs a subcommand; use pygent policy check -- COMMAND/);
  const empty = await runCli(["policy", "check"]);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /missing required argument 'command'/);
});

Deno.test("a request that starts with a subcommand's word is sent after --", async () => {
  await using server = await OpenAIServer.start([{ kind: "message", content: "Configured." }]);
  const result = await runCli(["--no-docker", "--json", "--", "config", "the", "linter"], {
    server,
  });

  assert.equal(result.code, 0, result.stderr);
  const user = server.requests[0].body.messages.find((m) => m.role === "user");
  assert.equal(user?.content, "config the linter");
});

Deno.test("a one-shot run that refused calls says at its end how many, and how to allow them", () =>
  withWorkspace(async (workspace) => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bashCall("touch a.txt"), bashCall("touch b.txt")] },
      { kind: "message", content: "Both were refused." },
    ]);
    const result = await runCli(["--no-docker", "--workspace", workspace, "touch them"], {
      server,
    });

    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /! 2 calls needed approval and were not run: no one can answer here\. Allow them with rules in the config file/,
    );
  }));
