import assert from "node:assert/strict";
import { sanitize, sanitizeEvent } from "../../lib/cli/sanitize.ts";

Deno.test("sanitize() shows C0 controls and DEL in caret notation", () => {
  assert.equal(sanitize("\x1b]52;c;ZXZpbA==\x07\x1b[2J\x00\x7f"), "^[]52;c;ZXZpbA==^G^[[2J^@^?");
});

Deno.test("sanitize() shows C1 controls as \\x escapes", () => {
  assert.equal(sanitize("a\x9b2Jb\x90"), "a\\x9b2Jb\\x90");
});

Deno.test("sanitize() keeps newlines and tabs, and leaves plain text as it is", () => {
  assert.equal(sanitize("a\tb\nc — ü ✓\n"), "a\tb\nc — ü ✓\n");
});

Deno.test("sanitize() turns \\r\\n into \\n and keeps what a line redrawn with \\r ends with", () => {
  assert.equal(sanitize("one\r\ntwo\r\n"), "one\ntwo\n");
  assert.equal(sanitize("10%\r50%\r100%\ndone\r"), "100%\ndone");
});

Deno.test("sanitizeEvent() cleans escapes written as JSON escapes in a tool call's arguments", () => {
  const event = sanitizeEvent({
    type: "tool_call",
    id: "1",
    name: "bash",
    arguments: '{"cmd":"printf \\u001b[2J"}',
  });
  assert.equal(JSON.parse(event.arguments).cmd, "printf ^[[2J");
});

Deno.test("sanitizeEvent() cleans every string, nested ones too, and keeps other values", () => {
  const event = sanitizeEvent({
    type: "assistant",
    content: "\x1b[2J",
    toolCalls: [{
      id: "\x07",
      type: "function",
      function: { name: "bash", arguments: "bad \x1b" },
    }],
  });
  assert.deepEqual(event, {
    type: "assistant",
    content: "^[[2J",
    toolCalls: [{ id: "^G", type: "function", function: { name: "bash", arguments: "bad ^[" } }],
  });
});
