// Rules: command prefixes in plain words (lib/policy/rules.ts).
import assert from "node:assert/strict";
import { parseRule, PolicyError, RuleError, ruleSet } from "../../lib/policy/mod.ts";

Deno.test("parseRule() splits a pattern into its words", () => {
  assert.deepEqual(parseRule("git push").words, ["git", "push"]);
});

Deno.test("parseRule() ignores extra spaces around and between words", () => {
  const rule = parseRule("  python3   -m  pytest ");
  assert.deepEqual(rule.words, ["python3", "-m", "pytest"]);
  assert.equal(rule.pattern, "  python3   -m  pytest ");
});

Deno.test("parseRule() keeps paths, options and = in words", () => {
  assert.deepEqual(parseRule("./build.sh --target=x86_64 -j4").words, [
    "./build.sh",
    "--target=x86_64",
    "-j4",
  ]);
});

Deno.test("parseRule() records the file the rule came from", () => {
  assert.equal(parseRule("ls", "/etc/pygent.toml").file, "/etc/pygent.toml");
  assert.equal("file" in parseRule("ls"), false);
});

Deno.test("parseRule() refuses an empty pattern with a message that shows an example", () => {
  assert.throws(() => parseRule("   "), (error: unknown) => {
    assert.ok(error instanceof RuleError);
    assert.match(error.message, /is empty/);
    assert.match(error.message, /"git push"/);
    return true;
  });
});

for (const pattern of ["git push &&", "$(x)", "rm -rf *", "echo 'hi'", "ls > out", "a;b", "`id`"]) {
  Deno.test(`parseRule() refuses ${JSON.stringify(pattern)}, which is not plain words`, () => {
    assert.throws(() => parseRule(pattern, "config.toml"), (error: unknown) => {
      assert.ok(error instanceof RuleError);
      assert.equal(error.pattern, pattern);
      assert.equal(error.file, "config.toml");
      assert.match(error.message, /in config\.toml is not plain words/);
      return true;
    });
  });
}

Deno.test("parseRule() refuses a leading assignment, which matching ignores", () => {
  assert.throws(() => parseRule("FOO=1 make"), /assignment "FOO=1"/);
});

Deno.test("a RuleError is a PolicyError", () => {
  assert.ok(new RuleError("x", "is bad") instanceof PolicyError);
});

Deno.test("ruleSet() reads the three lists and tags every rule with the file", () => {
  const rules = ruleSet({ allow: ["ls"], deny: ["git push", "rm"] }, "pygent.toml");
  assert.deepEqual(rules.allow.map((r) => r.pattern), ["ls"]);
  assert.deepEqual(rules.ask, []);
  assert.deepEqual(rules.deny.map((r) => `${r.pattern}@${r.file}`), [
    "git push@pygent.toml",
    "rm@pygent.toml",
  ]);
});

Deno.test("ruleSet() throws for the first rule that is not plain words", () => {
  assert.throws(() => ruleSet({ ask: ["ok", "not | ok"] }), RuleError);
});
