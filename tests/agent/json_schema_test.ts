import assert from "node:assert/strict";
import { type JsonSchema, validateJson } from "../../lib/agent/mod.ts";

const schema: JsonSchema = {
  type: "object",
  properties: {
    cmd: { type: "string", minLength: 1 },
    timeout: { type: "number", minimum: 1 },
    lines: { type: "array", items: { type: "integer" } },
    mode: { enum: ["fast", "slow"] },
  },
  required: ["cmd"],
  additionalProperties: false,
};

Deno.test("validateJson accepts a value that matches the schema", () => {
  assert.deepEqual(
    validateJson(schema, { cmd: "ls", timeout: 5, lines: [1, 2], mode: "fast" }),
    [],
  );
});

Deno.test("validateJson names a missing required property", () => {
  assert.deepEqual(validateJson(schema, {}), ["missing required property cmd"]);
});

Deno.test("validateJson names each property of the wrong type, array items included", () => {
  assert.deepEqual(validateJson(schema, { cmd: 1, lines: [1, "2"] }), [
    "cmd: expected string, got number 1",
    'lines[1]: expected integer, got string "2"',
  ]);
});

Deno.test("validateJson checks bounds, lengths and allowed values", () => {
  assert.deepEqual(validateJson(schema, { cmd: "", timeout: 0, mode: "medium" }), [
    "cmd: must have at least 1 characters",
    "timeout: must be at least 1",
    'mode: must be one of "fast", "slow"',
  ]);
});

Deno.test("validateJson refuses unknown properties when additionalProperties is false", () => {
  assert.deepEqual(validateJson(schema, { cmd: "ls", shell: "zsh" }), [
    "unknown property shell (known: cmd, timeout, lines, mode)",
  ]);
});
