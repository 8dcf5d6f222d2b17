// How rules match (lib/policy/match.ts): allow rules exactly, ask and deny rules widely.
import assert from "node:assert/strict";
import { allowRuleMatches, strictRuleMatches } from "../../lib/policy/match.ts";
import { parseRule } from "../../lib/policy/rules.ts";
import { literalWord, type Word } from "../../lib/policy/words.ts";

const words = (...values: string[]): Word[] => values.map(literalWord);
const expansion = (text: string): Word => ({ value: text, literal: false, text });

Deno.test("an allow rule matches a command that starts with its words", () => {
  assert.equal(allowRuleMatches(parseRule("git status"), words("git", "status", "-s")), true);
});

Deno.test("an allow rule does not match a command shorter than the rule", () => {
  assert.equal(allowRuleMatches(parseRule("git status"), words("git")), false);
});

Deno.test("an allow rule compares the command name as written", () => {
  assert.equal(allowRuleMatches(parseRule("git status"), words("./git", "status")), false);
  assert.equal(allowRuleMatches(parseRule("git status"), words("/usr/bin/git", "status")), false);
});

Deno.test("an allow rule word is never satisfied by an expansion", () => {
  const command = [literalWord("git"), expansion("$SUB")];
  assert.equal(allowRuleMatches(parseRule("git status"), command), false);
});

Deno.test("an allow rule needs its words in order with nothing between them", () => {
  assert.equal(allowRuleMatches(parseRule("git push"), words("git", "-C", "x", "push")), false);
});

Deno.test("a deny rule compares the command name by basename", () => {
  assert.equal(strictRuleMatches(parseRule("git push"), words("/usr/bin/git", "push")), true);
  assert.equal(strictRuleMatches(parseRule("/usr/bin/git push"), words("git", "push")), true);
});

Deno.test("a deny rule's words may have other words between them", () => {
  assert.equal(strictRuleMatches(parseRule("git push"), words("git", "-C", "x", "push")), true);
});

Deno.test("a deny rule's words must still come in order", () => {
  assert.equal(
    strictRuleMatches(parseRule("git push origin"), words("git", "origin", "push")),
    false,
  );
});

Deno.test("a deny rule word is matched by any expansion", () => {
  const command = [literalWord("git"), expansion("$SUB")];
  assert.equal(strictRuleMatches(parseRule("git push"), command), true);
});

Deno.test("a deny rule does not match a command whose name is an expansion", () => {
  assert.equal(
    strictRuleMatches(parseRule("git"), [expansion("$GIT"), literalWord("push")]),
    false,
  );
});

Deno.test("a deny rule matches whole words, never part of one", () => {
  assert.equal(strictRuleMatches(parseRule("rm"), words("rmdir", "x")), false);
  assert.equal(strictRuleMatches(parseRule("git push"), words("git", "pushx")), false);
});
