import assert from "node:assert/strict";
import { systemPrompt } from "../../lib/agent/mod.ts";

Deno.test("the system prompt for a container names the image, the network and /workspace", () => {
  const text = systemPrompt({
    sandbox: {
      kind: "docker",
      image: "python:3.12-slim",
      workdir: "/workspace",
      shell: "bash",
      network: false,
      sync: "bind",
    },
    workspace: "/workspace",
  });
  assert.match(text, /^You are Pygent/);
  assert.match(
    text,
    /a Docker container made from the image python:3\.12-slim, in bash, without network/,
  );
  assert.match(text, /The workspace is \/workspace/);
  assert.doesNotMatch(text, /AGENTS\.md/);
});

Deno.test("the system prompt on a Windows host says cmd.exe and Windows syntax", () => {
  const text = systemPrompt({
    sandbox: { kind: "local", os: "windows", shell: "cmd.exe" },
    workspace: "C:\\Users\\ana\\project",
  });
  assert.match(text, /directly on the user's machine \(Windows\), not in a container, in cmd\.exe/);
  assert.match(text, /\(Windows commands and syntax, not bash\)/);
  assert.match(text, /The workspace is C:\\Users\\ana\\project/);
});

Deno.test("the system prompt on macOS names the OS", () => {
  const text = systemPrompt({
    sandbox: { kind: "local", os: "darwin", shell: "bash" },
    workspace: "/w",
  });
  assert.match(text, /\(macOS\)/);
});

Deno.test("the system prompt carries AGENTS.md as the project's instructions", () => {
  const text = systemPrompt({
    sandbox: { kind: "local", os: "linux", shell: "bash" },
    workspace: "/w",
    instructions: "Run tests with pytest -q.\n",
  });
  assert.match(
    text,
    /instructions, from AGENTS\.md in the workspace:\n\nRun tests with pytest -q\.$/,
  );
});
