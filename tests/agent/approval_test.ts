// Approvals in the agent (issue 12 §3): the policy decides before a call runs; a call that
// needs approval goes to the approver, or is refused with no one to ask; a denied call never
// runs. Real commands on the host, the real OpenAI client against the test server.
import assert from "node:assert/strict";
import {
  type AgentEvent,
  type AgentOptions,
  type ApprovalAnswer,
  type ApprovalRequest,
  ruleSet,
} from "../../lib/mod.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { assertValidRequest, testAgent, toolResults } from "./_helpers.ts";

const say = (content: string) => ({ kind: "message" as const, content });
const call = (name: string, args: Record<string, unknown>) => ({
  name,
  arguments: JSON.stringify(args),
});
const bash = (cmd: string) => call("bash", { cmd });
const CONFIG = "/home/u/.config/pygent/config.toml";

/** A workspace folder for one test, removed after it. */
async function withWorkspace(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "pygent-approval-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** An approver that records each request and gives `answer`'s answer to it. */
function recorder(answer: (request: ApprovalRequest) => ApprovalAnswer) {
  const asked: ApprovalRequest[] = [];
  const approve = (request: ApprovalRequest) => {
    asked.push(request);
    return Promise.resolve(answer(request));
  };
  return { asked, approve };
}

/** The test agent on the host, in workspace `dir`. */
function hostAgent(server: OpenAIServer, dir: string, options: AgentOptions) {
  return testAgent(server, { runtimeOptions: { docker: false, workspace: dir }, ...options });
}

function approvals(events: AgentEvent[]) {
  return events.filter((e) => e.type === "approval");
}

Deno.test("on the host, approval auto with no one to ask refuses a command, and the run goes on", () =>
  withWorkspace(async (dir) => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bash("touch ran.txt")] },
      say("I could not run it."),
    ]);
    const events: AgentEvent[] = [];
    await using ag = hostAgent(server, dir, {
      approval: { mode: "auto" },
      onEvent: (e) => events.push(e),
    });
    const result = await ag.step("make a file");

    assert.equal(result.text, "I could not run it.");
    assert.equal(exists(`${dir}/ran.txt`), false);
    const [content] = toolResults(server.requests[1]);
    assert.ok(
      content.startsWith(
        'Not run: this needs approval (approval mode "auto" on the host). Ask the user to run ' +
          "it, or add an allow rule.",
      ),
      content,
    );
    assert.deepEqual(
      approvals(events).map((e) => e.type === "approval" && [e.name, e.decision, e.by]),
      [["bash", "deny", "mode"]],
    );
    assert.equal(result.toolRuns[0].isError, true);
    assertValidRequest(server.requests[1]);
  }));

Deno.test("an allow rule lets a command run on the host unasked, and says which rule did", () =>
  withWorkspace(async (dir) => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bash("touch ran.txt")] },
      say("Done."),
    ]);
    const events: AgentEvent[] = [];
    await using ag = hostAgent(server, dir, {
      approval: { mode: "auto", rules: ruleSet({ allow: ["touch"] }, CONFIG) },
      onEvent: (e) => events.push(e),
    });
    await ag.step("make a file");

    assert.equal(exists(`${dir}/ran.txt`), true);
    const [event] = approvals(events);
    assert.ok(event?.type === "approval");
    assert.deepEqual([event.decision, event.by, event.rule], ["allow", "rule", "touch"]);
  }));

Deno.test("a deny rule is never asked: the model learns the rule and its file", () =>
  withWorkspace(async (dir) => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bash("echo start && touch gone.txt")] },
      say("Denied."),
    ]);
    const { asked, approve } = recorder(() => "allow");
    await using ag = hostAgent(server, dir, {
      approval: { mode: "never", rules: ruleSet({ deny: ["touch"] }, CONFIG) },
      approve,
    });
    await ag.step("go");

    assert.equal(asked.length, 0);
    assert.equal(exists(`${dir}/gone.txt`), false);
    assert.deepEqual(toolResults(server.requests[1]), [
      `Not run: denied by rule "touch" in ${CONFIG}.`,
    ]);
  }));

Deno.test("a command that needs approval runs when the approver allows it, and the event says the user did", () =>
  withWorkspace(async (dir) => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bash("touch ran.txt")] },
      say("Done."),
    ]);
    const events: AgentEvent[] = [];
    const { asked, approve } = recorder(() => "allow");
    await using ag = hostAgent(server, dir, {
      approval: { mode: "ask" },
      approve,
      onEvent: (e) => events.push(e),
    });
    await ag.step("make a file");

    assert.equal(exists(`${dir}/ran.txt`), true);
    assert.equal(asked[0].command, "touch ran.txt");
    assert.equal(asked[0].verdict.decision, "ask");
    assert.deepEqual(asked[0].alwaysRules, ["touch"]);
    const [event] = approvals(events);
    assert.ok(event?.type === "approval");
    assert.deepEqual([event.decision, event.by], ["allow", "user"]);
  }));

Deno.test("a command the user declines does not run, and the model gets the user's reason", () =>
  withWorkspace(async (dir) => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bash("touch ran.txt")] },
      say("OK, I will not."),
    ]);
    await using ag = hostAgent(server, dir, {
      approval: { mode: "ask" },
      approve: () => Promise.resolve({ deny: "use the fixtures folder instead" }),
    });
    await ag.step("make a file");

    assert.equal(exists(`${dir}/ran.txt`), false);
    assert.deepEqual(toolResults(server.requests[1]), [
      "Not run: the user declined. Their reason: use the fixtures folder instead",
    ]);
  }));

Deno.test("answering always allows that command prefix for the rest of the session, unasked", () =>
  withWorkspace(async (dir) => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bash("touch a.txt")] },
      say("One."),
      { kind: "message", toolCalls: [bash("touch b.txt"), bash("rm a.txt")] },
      say("Two."),
    ]);
    const asked: string[] = [];
    await using ag = hostAgent(server, dir, {
      approval: { mode: "ask" },
      approve: (request) => {
        asked.push(request.command ?? "");
        return Promise.resolve(request.command === "touch a.txt" ? "always" : "deny");
      },
    });
    await ag.step("first");
    await ag.step("second");

    assert.deepEqual(asked, ["touch a.txt", "rm a.txt"]);
    assert.equal(exists(`${dir}/b.txt`), true);
    assert.equal(exists(`${dir}/a.txt`), true);
  }));

Deno.test("a chained command is asked about when only its first part is allowed", () =>
  withWorkspace(async (dir) => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bash("echo hi && touch ran.txt")] },
      say("Asked."),
    ]);
    const { asked, approve } = recorder(() => "deny");
    await using ag = hostAgent(server, dir, {
      approval: { mode: "auto", rules: ruleSet({ allow: ["echo"] }) },
      approve,
    });
    await ag.step("go");

    assert.equal(asked.length, 1);
    assert.deepEqual(
      asked[0].verdict.parts.map((p) => [p.command, p.decision]),
      [["echo hi", "allow"], ["touch ran.txt", "ask"]],
    );
    assert.equal(exists(`${dir}/ran.txt`), false);
  }));

Deno.test("a file write that needs approval shows the file and a diff of the change", () =>
  withWorkspace(async (dir) => {
    await Deno.writeTextFile(`${dir}/notes.txt`, "one\ntwo\n");
    await using server = await OpenAIServer.start([
      {
        kind: "message",
        toolCalls: [call("edit_file", { path: "notes.txt", old: "two", new: "three" })],
      },
      say("Edited."),
    ]);
    const { asked, approve } = recorder(() => "allow");
    await using ag = hostAgent(server, dir, {
      approval: { mode: "auto" },
      approve,
    });
    await ag.step("edit");

    assert.equal(asked[0].path, "notes.txt");
    assert.match(
      asked[0].diff ?? "",
      /--- a\/notes\.txt\n\+\+\+ b\/notes\.txt\n@@ .* @@\n one\n-two\n\+three\n/,
    );
    assert.equal(await Deno.readTextFile(`${dir}/notes.txt`), "one\nthree\n");
  }));

Deno.test("answering always to a file write allows every file write for the session", () =>
  withWorkspace(async (dir) => {
    await using server = await OpenAIServer.start([
      {
        kind: "message",
        toolCalls: [
          call("write_file", { path: "a.txt", content: "a\n" }),
          call("write_file", { path: "b.txt", content: "b\n" }),
        ],
      },
      say("Wrote both."),
    ]);
    const { asked, approve } = recorder(() => "always");
    await using ag = hostAgent(server, dir, {
      approval: { mode: "ask" },
      approve,
    });
    await ag.step("write");

    assert.deepEqual(asked.map((r) => [r.path, r.always]), [["a.txt", "every file write"]]);
    assert.match(asked[0].diff ?? "", /--- \/dev\/null\n\+\+\+ b\/a\.txt/);
    assert.equal(await Deno.readTextFile(`${dir}/b.txt`), "b\n");
  }));

Deno.test("read_file is never asked about, even in approval mode ask", () =>
  withWorkspace(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.txt`, "hello\n");
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [call("read_file", { path: "a.txt" })] },
      say("Read."),
    ]);
    await using ag = hostAgent(server, dir, {
      approval: { mode: "ask" },
    });
    await ag.step("read");

    assert.match(toolResults(server.requests[1])[0], /hello/);
  }));

Deno.test("a call with invalid arguments is not asked about: the model gets the schema error", () =>
  withWorkspace(async (dir) => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [call("bash", { command: "ls" })] },
      say("Oops."),
    ]);
    const { asked, approve } = recorder(() => "allow");
    await using ag = hostAgent(server, dir, { approval: { mode: "ask" }, approve });
    await ag.step("list");

    assert.equal(asked.length, 0);
    assert.match(toolResults(server.requests[1])[0], /^Error: Invalid arguments for bash/);
  }));

Deno.test("cancelling a step while its approval is asked returns at once, and the question is aborted", () =>
  withWorkspace(async (dir) => {
    await using server = await OpenAIServer.start([
      { kind: "message", toolCalls: [bash("touch ran.txt")] },
    ]);
    let questionAborted = false;
    await using ag = hostAgent(server, dir, {
      approval: { mode: "ask" },
      approve: (_request, signal) =>
        new Promise((_, reject) =>
          signal?.addEventListener("abort", () => {
            questionAborted = true;
            reject(signal.reason);
          })
        ),
    });
    const controller = new AbortController();
    const step = ag.step("go", { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 300));
    const cancelled = performance.now();
    controller.abort(new Error("cancelled by the test"));
    await assert.rejects(step, /cancelled by the test/);

    assert.ok(performance.now() - cancelled < 500);
    assert.equal(questionAborted, true);
    assert.equal(exists(`${dir}/ran.txt`), false);
    const last = ag.history.at(-1);
    assert.equal(last?.role, "tool");
    assert.equal(last?.content, "Error: not run: the user cancelled the step.");
  }));
