import assert from "node:assert/strict";
import { containersLabelled, dockerTest } from "../support/docker.ts";
import { OpenAIServer, type RecordedRequest } from "../support/openai_server.ts";
import { bashCall, cliEnv, MAIN } from "./cli_process.ts";
import { noTmuxReason, Terminal } from "./tmux.ts";

if (noTmuxReason) console.warn(`Skipping terminal tests: ${noTmuxReason}`);

/**
 * A test of `pygent --no-docker` in a real terminal, with a model that has nothing scripted:
 * skipped (with the reason printed) where tmux is missing, except under CI=true.
 */
function hostTerminalTest(
  name: string,
  fn: (terminal: Terminal) => Promise<void>,
  env: Record<string, string> = {},
): void {
  Deno.test({
    name,
    ignore: noTmuxReason !== undefined && Deno.env.get("CI") !== "true",
    fn: async () => {
      await using server = await OpenAIServer.start([]);
      await using terminal = await Terminal.start(
        [Deno.execPath(), "run", "-A", MAIN, "--no-docker"],
        cliEnv({ server, env }),
      );
      await fn(terminal);
    },
  });
}

/** Answers "sleep" with a long command, other messages with a quick one, then a final text. */
function script(req: RecordedRequest) {
  const last = req.body.messages.at(-1);
  if (last?.role === "tool") return { kind: "message" as const, content: "All **done**." };
  return String(last?.content).includes("sleep")
    ? { kind: "message" as const, toolCalls: [bashCall("sleep 120")] }
    : { kind: "message" as const, content: "Running it.", toolCalls: [bashCall("echo hi-there")] };
}

dockerTest(
  "the interactive session: first line, prompt, Ctrl-C cancels a step or a !command, /exit removes the container",
  async () => {
    if (noTmuxReason && Deno.env.get("CI") !== "true") return;
    const workspace = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-cli-test-" }));
    try {
      await using server = await OpenAIServer.start(script);
      await using terminal = await Terminal.start(
        [Deno.execPath(), "run", "-A", MAIN, "--workspace", workspace],
        cliEnv({ server }),
      );
      const first = await terminal.waitFor(/pygent› $/m);
      assert.match(first, /pygent \d+\.\d+\.\d+ · model gpt-4o-mini · container python:3\.12-slim/);
      assert.ok(first.includes(`workspace ${workspace}`), first);

      await terminal.send("run something", "Enter");
      await terminal.waitFor(/│ hi-there\n╰─ exit 0[\s\S]*All done\.[\s\S]*pygent› $/m);

      await terminal.send("please sleep", "Enter");
      await terminal.waitFor(/\$ sleep 120/);
      await terminal.send("C-c");
      await terminal.waitFor(/Cancelled\.[\s\S]*pygent› $/m);
      assert.equal((await containersLabelled("pygent.workspace", workspace)).length, 1);

      await terminal.send("!sleep 100", "Enter");
      await terminal.waitFor(/\$ sleep 100/);
      await terminal.send("C-c");
      await terminal.waitFor(/\$ sleep 100\n[\s\S]*Cancelled\.[\s\S]*pygent› $/m);
      await terminal.send("!echo still-here", "Enter");
      await terminal.waitFor(/│ still-here\n╰─ exit 0/);

      await terminal.send("/exit", "Enter");
      await terminal.waitFor(/EXITED 0/);
      assert.deepEqual(await containersLabelled("pygent.workspace", workspace), []);
    } finally {
      await Deno.remove(workspace, { recursive: true });
    }
  },
);

hostTerminalTest(
  "Ctrl-C twice at an empty prompt ends the interactive session",
  async (terminal) => {
    const first = await terminal.waitFor(/pygent› $/m);
    assert.match(first, /Commands run on this host, NOT isolated/);
    await terminal.send("C-c");
    await terminal.waitFor(/Press Ctrl-C again to exit/);
    await terminal.send("C-c");
    await terminal.waitFor(/EXITED 0/);
  },
);

hostTerminalTest(
  "Ctrl-D at an empty prompt ends the session and says the temporary workspace was removed",
  async (terminal) => {
    const first = await terminal.waitFor(/pygent› $/m);
    const workspace = /workspace (\S+) \(temporary, removed at exit\)/.exec(
      first.replaceAll("\n", ""),
    )?.[1];
    assert.ok(workspace, first);
    await terminal.send("C-d");
    const last = await terminal.waitFor(/EXITED 0/);
    assert.ok(
      last.replaceAll("\n", "").includes(
        `pygent: the temporary workspace ${workspace} was removed; use --cwd or ` +
          "--workspace DIR to keep the files.",
      ),
      last,
    );
    await assert.rejects(Deno.stat(workspace), Deno.errors.NotFound);
  },
);

hostTerminalTest(
  "escape sequences in a command's output are shown, not obeyed, at the terminal",
  async (terminal) => {
    await terminal.waitFor(/pygent› $/m);
    await terminal.send("!printf '\\033]52;c;ZXZpbA==\\a\\033[2J'", "Enter");
    const screen = await terminal.waitFor(/exit 0/);
    assert.match(screen, /│ \^\[\]52;c;ZXZpbA==\^G\^\[\[2J/);
    assert.match(screen, /^pygent \d/, "the screen was not cleared");
    await terminal.send("/exit", "Enter");
    await terminal.waitFor(/EXITED 0/);
  },
);

for (const noColor of [false, true]) {
  hostTerminalTest(
    noColor
      ? "with NO_COLOR set, the terminal gets no colour"
      : "on a terminal, the first line and the prompt are coloured",
    async (terminal) => {
      await terminal.waitFor(/pygent› $/m);
      const screen = await terminal.screen(true);
      assert.equal(screen.includes("\x1b["), !noColor, screen);
      await terminal.send("/exit", "Enter");
      await terminal.waitFor(/EXITED 0/);
    },
    noColor ? { NO_COLOR: "1" } : {},
  );
}
