import assert from "node:assert/strict";
import { AgentError, type Tool, ToolRegistry } from "../../../lib/agent/mod.ts";
import { SandboxUnavailableError } from "../../../lib/mod.ts";
import { withContext } from "./_runtime.ts";

const echo: Tool<{ text: string }> = {
  name: "echo",
  description: "Echoes text.",
  parameters: {
    type: "object",
    properties: { text: { type: "string" } },
    required: ["text"],
    additionalProperties: false,
  },
  run: ({ text }) => Promise.resolve(text),
};

Deno.test("the registry offers the four built-in tools, then the extra ones", () => {
  const names = new ToolRegistry([echo]).schemas().map((s) => s.function.name);
  assert.deepEqual(names, ["bash", "write_file", "read_file", "edit_file", "echo"]);
});

Deno.test("the registry refuses a second tool with the same name", () => {
  assert.throws(
    () => new ToolRegistry([{ ...echo, name: "bash" }]),
    (e) => e instanceof AgentError && e.message === "A tool named bash is already registered.",
  );
});

Deno.test("the registry refuses a tool name the API would not accept", () => {
  assert.throws(() => new ToolRegistry([{ ...echo, name: "my tool" }]), AgentError);
});

Deno.test("arguments with a property the schema does not know are a tool error", () =>
  withContext(async (context) => {
    const out = await new ToolRegistry([echo]).call("echo", '{"text":"a","loud":true}', context);
    assert.deepEqual(out, {
      content: "Error: Invalid arguments for echo: unknown property loud (known: text).",
      isError: true,
    });
  }));

Deno.test("arguments that are JSON but not an object are a tool error", () =>
  withContext(async (context) => {
    const out = await new ToolRegistry([echo]).call("echo", '["a"]', context);
    assert.deepEqual(out, {
      content: 'Error: The arguments must be a JSON object, got "[\\"a\\"]".',
      isError: true,
    });
  }));

Deno.test("a sandbox that cannot run anything propagates instead of becoming a tool error", () =>
  withContext(async (context) => {
    const failing: Tool = {
      ...echo,
      name: "engine",
      run: () => Promise.reject(new SandboxUnavailableError("Lost the connection (EOF).")),
    };
    await assert.rejects(
      new ToolRegistry([failing]).call("engine", '{"text":"a"}', context),
      SandboxUnavailableError,
    );
  }));

Deno.test("a cancelled call propagates the abort reason", () =>
  withContext(async (context) => {
    const controller = new AbortController();
    const pending = new ToolRegistry().call("bash", '{"cmd":"sleep 10"}', {
      ...context,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("cancelled")), 100);
    await assert.rejects(pending, { message: "cancelled" });
  }));
