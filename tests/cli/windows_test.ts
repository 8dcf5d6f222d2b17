import assert from "node:assert/strict";
import { agentOptions } from "../../lib/cli/agent_options.ts";
import { parseArgs } from "../../lib/cli/args.ts";
import { loadSettings } from "../../lib/config/mod.ts";
import { Session } from "../../lib/cli/session.ts";
import { createStyle } from "../../lib/cli/style.ts";
import { TerminalView } from "../../lib/cli/terminal_view.ts";
import { Agent } from "../../lib/agent/mod.ts";
import { LazyRuntime } from "../../lib/runtime/mod.ts";
import { OpenAIServer } from "../support/openai_server.ts";

Deno.test("pygent --no-docker on Windows says cmd.exe on its first line and to the model", async () => {
  await using server = await OpenAIServer.start([{ kind: "message", content: "Ready." }]);
  const env: Record<string, string> = {
    OPENAI_BASE_URL: server.baseURL,
    OPENAI_API_KEY: "k",
    XDG_CONFIG_HOME: "/nonexistent/pygent-test-config",
  };
  const getEnv = (name: string) => env[name];
  const parsed = parseArgs(["--no-docker"], { getEnv });
  assert.equal(parsed.kind, "run");
  const { settings } = await loadSettings({ flags: parsed.config.flags, getEnv, cwd: Deno.cwd() });
  let shown = "";
  const view = new TerminalView({
    out: (text) => shown += text,
    err: (text) => shown += text,
    style: createStyle(false),
    errStyle: createStyle(false),
    live: false,
  });
  const session = await Session.open({
    view,
    timeoutMs: 30_000,
    createAgent: (onEvent) =>
      new Agent(agentOptions(settings, { workspace: undefined, getEnv, onEvent, os: "windows" })),
  });
  try {
    const runtime = session.runtime;
    assert.ok(runtime instanceof LazyRuntime);
    await runtime.start();
    view.session({
      version: "0",
      model: "m",
      sandbox: runtime.sandbox,
      workspace: runtime.workspace,
      temporaryWorkspace: true,
    });
    assert.match(shown, /this host \(windows, cmd\.exe\)/);
    assert.match(shown, /NOT isolated/);

    assert.equal(
      await session.run({ kind: "message", text: "hi" }, new AbortController().signal),
      "ok",
    );
    const system = server.requests[0].body.messages[0];
    assert.equal(system.role, "system");
    assert.match(String(system.content), /cmd\.exe/);
  } finally {
    await session.runtime.cleanup();
  }
});
