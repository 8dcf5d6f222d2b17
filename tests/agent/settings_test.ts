import assert from "node:assert/strict";
import { positiveIntegerSetting, secondsSetting } from "../../lib/agent/mod.ts";
import { ConfigError } from "../../lib/mod.ts";

Deno.test("an unset setting takes its default", () => {
  assert.equal(positiveIntegerSetting(() => undefined, "PYGENT_MAX_STEPS", 20), 20);
  assert.equal(secondsSetting(() => "", "PYGENT_TIMEOUT", 30), 30);
});

Deno.test("a whole-number setting refuses zero, fractions and words", () => {
  for (const bad of ["0", "2.5", "abc", "-3"]) {
    assert.throws(
      () => positiveIntegerSetting(() => bad, "PYGENT_MAX_STEPS", 20),
      (e) =>
        e instanceof ConfigError && e.message.startsWith(`PYGENT_MAX_STEPS=${bad} is not valid`),
    );
  }
});

Deno.test("a seconds setting takes fractions and refuses zero", () => {
  assert.equal(secondsSetting(() => "0.25", "PYGENT_TIMEOUT", 30), 0.25);
  assert.throws(() => secondsSetting(() => "0", "PYGENT_TIMEOUT", 30), ConfigError);
});
