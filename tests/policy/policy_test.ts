// The policy value: modes and session rules (lib/policy/policy.ts).
import assert from "node:assert/strict";
import {
  APPROVAL_MODES,
  type ApprovalPolicy,
  isApprovalMode,
  ruleSet,
  withAllowRules,
} from "../../lib/policy/mod.ts";

const POLICY: ApprovalPolicy = {
  mode: "ask",
  where: "host",
  rules: ruleSet({ allow: ["ls"], deny: ["rm"] }, "config.toml"),
};

Deno.test("the approval modes are auto, ask and never", () => {
  assert.deepEqual(APPROVAL_MODES, ["auto", "ask", "never"]);
  assert.equal(isApprovalMode("never"), true);
  assert.equal(isApprovalMode("always"), false);
  assert.equal(isApprovalMode(undefined), false);
});

Deno.test("withAllowRules() adds session rules after the configured ones", () => {
  const next = withAllowRules(POLICY, ["git status", "npm run"]);
  assert.deepEqual(next.rules.allow.map((r) => `${r.pattern}@${r.file}`), [
    "ls@config.toml",
    "git status@session",
    "npm run@session",
  ]);
  assert.equal(next.rules.deny, POLICY.rules.deny);
  assert.equal(next.mode, "ask");
});

Deno.test("withAllowRules() leaves the policy it was given unchanged", () => {
  withAllowRules(POLICY, ["git status"]);
  assert.deepEqual(POLICY.rules.allow.map((r) => r.pattern), ["ls"]);
});

Deno.test("withAllowRules() adds no rule twice", () => {
  const next = withAllowRules(POLICY, ["ls", "make", "make"]);
  assert.deepEqual(next.rules.allow.map((r) => r.pattern), ["ls", "make"]);
});

Deno.test("withAllowRules() refuses a pattern that is not plain words", () => {
  assert.throws(() => withAllowRules(POLICY, ["echo $(id)"]), /not plain words/);
});
