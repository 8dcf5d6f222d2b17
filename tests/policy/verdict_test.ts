// What a verdict says: its reason sentences, its parts, the rule that decided.
import assert from "node:assert/strict";
import { type ApprovalPolicy, checkCommand, ruleSet } from "../../lib/policy/mod.ts";

const FILE = "/home/u/.config/pygent/config.toml";
const HOST: ApprovalPolicy = {
  mode: "auto",
  where: "host",
  rules: ruleSet({ allow: ["echo"], deny: ["git push"] }, FILE),
};

Deno.test("a denial names the rule and its file", async () => {
  const verdict = await checkCommand(HOST, "git push origin main");
  assert.equal(verdict.reason, `denied by rule "git push" in ${FILE}`);
  assert.deepEqual(verdict.rule, { pattern: "git push", words: ["git", "push"], file: FILE });
  assert.equal(verdict.by, "rule");
});

Deno.test("an allow rule without a file is named alone", async () => {
  const policy: ApprovalPolicy = { ...HOST, rules: ruleSet({ allow: ["git status"] }) };
  assert.equal(
    (await checkCommand(policy, "git status -s")).reason,
    'allowed by rule "git status"',
  );
});

Deno.test("on the host the mode's reason says that every command needs approval", async () => {
  const verdict = await checkCommand(HOST, "make");
  assert.equal(
    verdict.reason,
    'on the host, every command needs approval unless an allow rule matches (approval "auto")',
  );
  assert.equal(verdict.by, "mode");
  assert.equal(verdict.rule, undefined);
});

Deno.test("a substitution's reason comes before the mode's", async () => {
  const verdict = await checkCommand(HOST, "make $(nproc)");
  assert.equal(verdict.reason, "command substitution can run commands no rule sees");
});

Deno.test("a file write's reason shows the redirection", async () => {
  const verdict = await checkCommand(HOST, "echo hi > out.txt");
  assert.match(verdict.reason, /^writes a file \(>out\.txt\)/);
});

Deno.test("a parse error's reason says where the parser stopped", async () => {
  const verdict = await checkCommand(HOST, "echo (");
  assert.match(verdict.reason, /^the command line could not be parsed: .* at line 1, column 6$/);
});

Deno.test("every part of the line has its own verdict, in order", async () => {
  const verdict = await checkCommand(HOST, "echo $(date) > out.txt; git push");
  assert.deepEqual(verdict.parts.map((p) => [p.kind, p.command, p.decision, p.rule]), [
    ["command", "echo $(date)", "allow", "echo"],
    ["hidden", "$(date)", "ask", undefined],
    ["command", "date", "ask", undefined],
    ["write", ">out.txt", "ask", undefined],
    ["command", "git push", "deny", "git push"],
  ]);
  assert.equal(verdict.decision, "deny");
});
