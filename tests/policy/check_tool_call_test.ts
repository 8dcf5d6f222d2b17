// checkToolCall(): each built-in tool, and a tool a library user registers.
import assert from "node:assert/strict";
import { type ApprovalPolicy, checkToolCall, ruleSet } from "../../lib/policy/mod.ts";

const rules = ruleSet({ allow: ["ls"], deny: ["git push"] });
const HOST: ApprovalPolicy = { mode: "auto", where: "host", rules };
const CONTAINER: ApprovalPolicy = { mode: "auto", where: "container", rules };
const ASK: ApprovalPolicy = { mode: "ask", where: "container", rules };
const NEVER: ApprovalPolicy = { mode: "never", where: "host", rules };

Deno.test("checkToolCall() judges a bash call's command line", async () => {
  assert.equal((await checkToolCall(CONTAINER, "bash", { cmd: "git push" })).decision, "deny");
  assert.equal((await checkToolCall(HOST, "bash", { cmd: "ls", timeout: 5 })).decision, "allow");
});

Deno.test("checkToolCall() asks for a bash call without a command line", async () => {
  const verdict = await checkToolCall(CONTAINER, "bash", {});
  assert.equal(verdict.decision, "ask");
  assert.match(verdict.reason, /no "cmd"/);
});

Deno.test("checkToolCall() asks before write_file on the host, naming the path", async () => {
  const verdict = await checkToolCall(HOST, "write_file", { path: "notes.txt", content: "x" });
  assert.equal(verdict.decision, "ask");
  assert.deepEqual(verdict.parts.map((p) => [p.kind, p.command]), [[
    "write",
    "write_file notes.txt",
  ]]);
  assert.match(verdict.reason, /^writes a file \(write_file notes\.txt\)/);
});

Deno.test("checkToolCall() allows write_file in a container under auto", async () => {
  assert.equal(
    (await checkToolCall(CONTAINER, "write_file", { path: "a", content: "" })).decision,
    "allow",
  );
});

Deno.test("checkToolCall() asks before edit_file under ask, even in a container", async () => {
  const verdict = await checkToolCall(ASK, "edit_file", { path: "a.py", old: "1", new: "2" });
  assert.equal(verdict.decision, "ask");
  assert.equal(verdict.parts[0].command, "edit_file a.py");
});

Deno.test("checkToolCall() allows file writes when they were allowed for the session", async () => {
  const policy = { ...HOST, allowWrites: true };
  assert.equal((await checkToolCall(policy, "edit_file", { path: "a.py" })).decision, "allow");
});

Deno.test("checkToolCall() still asks before a bash redirection when file writes were allowed", async () => {
  const policy = { ...HOST, allowWrites: true };
  const verdict = await checkToolCall(policy, "bash", { cmd: "ls >> ~/.bashrc" });
  assert.equal(verdict.decision, "ask");
  assert.match(verdict.reason, /^writes a file \(>>~\/\.bashrc\)/);
});

Deno.test("checkToolCall() allows file writes under never", async () => {
  assert.equal((await checkToolCall(NEVER, "write_file", { path: "a" })).decision, "allow");
});

for (const policy of [HOST, CONTAINER, ASK, NEVER]) {
  Deno.test(`checkToolCall() allows read_file under ${policy.mode} (${policy.where})`, async () => {
    const verdict = await checkToolCall(policy, "read_file", { path: "README.md" });
    assert.equal(verdict.decision, "allow");
    assert.equal(verdict.parts[0].command, "read_file README.md");
  });
}

Deno.test("checkToolCall() allows a tool a library user registered: it is their own code", async () => {
  const verdict = await checkToolCall(ASK, "lookup_weather", { city: "Oslo" });
  assert.equal(verdict.decision, "allow");
  assert.equal(verdict.by, "mode");
  assert.match(verdict.reason, /lookup_weather is a tool of the program/);
});

Deno.test("checkToolCall() lets an allow rule naming a file tool allow its writes on the host", async () => {
  const policy: ApprovalPolicy = {
    mode: "auto",
    where: "host",
    rules: ruleSet({ allow: ["write_file", "edit_file src/app.py"] }, "config.toml"),
  };
  const write = await checkToolCall(policy, "write_file", { path: "notes.txt", content: "x" });
  assert.deepEqual([write.decision, write.by, write.rule?.pattern], [
    "allow",
    "rule",
    "write_file",
  ]);
  const edit = await checkToolCall(policy, "edit_file", { path: "src/app.py", old: "a", new: "b" });
  assert.equal(edit.decision, "allow");
  const other = await checkToolCall(policy, "edit_file", {
    path: "src/other.py",
    old: "a",
    new: "b",
  });
  assert.equal(other.decision, "ask");
});

Deno.test("checkToolCall() denies a file write a deny rule names, even in a container", async () => {
  const policy: ApprovalPolicy = {
    mode: "never",
    where: "container",
    rules: ruleSet({ deny: ["write_file .env"] }, "config.toml"),
  };
  const verdict = await checkToolCall(policy, "write_file", { path: ".env", content: "X=1" });
  assert.deepEqual([verdict.decision, verdict.rule?.file], ["deny", "config.toml"]);
  assert.equal(
    (await checkToolCall(policy, "write_file", { path: "a.env", content: "" })).decision,
    "allow",
  );
});
