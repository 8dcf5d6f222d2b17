import assert from "node:assert/strict";
import { parseInput } from "../../lib/cli/commands.ts";

Deno.test("parseInput() reads the session commands", () => {
  assert.deepEqual(parseInput("/help"), { kind: "help" });
  assert.deepEqual(parseInput("/reset"), { kind: "reset" });
  assert.deepEqual(parseInput(" /exit "), { kind: "exit" });
  assert.deepEqual(parseInput("/save my chat.json"), { kind: "save", file: "my chat.json" });
  assert.deepEqual(parseInput("!ls -la"), { kind: "shell", command: "ls -la" });
  assert.deepEqual(parseInput("   "), { kind: "empty" });
});

Deno.test("parseInput() keeps a message as typed, a path at its start included", () => {
  assert.deepEqual(parseInput("fix the tests "), { kind: "message", text: "fix the tests " });
  assert.deepEqual(parseInput("/tmp/a.py fails"), { kind: "message", text: "/tmp/a.py fails" });
});

Deno.test("parseInput() explains a command it cannot run", () => {
  assert.match((parseInput("/sav") as { message: string }).message, /Unknown command \/sav/);
  assert.match((parseInput("/save") as { message: string }).message, /\/save FILE/);
  assert.match((parseInput("!") as { message: string }).message, /after !/);
});
