// Live output at the command line: --json's tool_output events, the live lines of the
// interactive view, and output kept after a timeout or SIGINT (issue 13 §1).
import assert from "node:assert/strict";
import type { AgentEvent } from "../../lib/agent/events.ts";
import { JsonView } from "../../lib/cli/json_view.ts";
import { LiveLines } from "../../lib/cli/live_lines.ts";
import { OutputCoalescer, type ToolOutputEvent } from "../../lib/cli/output_coalescer.ts";
import { createStyle } from "../../lib/cli/style.ts";
import { TerminalView } from "../../lib/cli/terminal_view.ts";
import { dockerTest } from "../support/docker.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { bashCall, cliEnv, eventsOf, jsonLines, MAIN, spawnCli } from "./cli_process.ts";
import { noTmuxReason, Terminal } from "./tmux.ts";

const output = (text: string, stream: "stdout" | "stderr" = "stdout"): ToolOutputEvent => ({
  type: "tool_output",
  id: "c1",
  stream,
  text,
});

/** Reads a child's stdout to its end, each line with when it came (ms since `since`). */
async function timedLines(child: Deno.ChildProcess, since: number) {
  const lines: { line: string; at: number }[] = [];
  let pending = "";
  for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) {
    const parts = (pending + text).split("\n");
    pending = parts.pop() ?? "";
    for (const line of parts) lines.push({ line, at: performance.now() - since });
  }
  return lines;
}

dockerTest(
  "--json: a command printing a line every 300 ms gives tool_output events while it runs, before its tool_result",
  async () => {
    await using server = await OpenAIServer.start([
      {
        kind: "message",
        toolCalls: [bashCall("for i in 1 2 3 4 5; do echo tick $i; sleep 0.3; done")],
      },
      { kind: "message", content: "Done." },
    ]);
    const child = spawnCli(["--json", "--docker", "tick"], { server });
    const lines = await timedLines(child, performance.now());
    assert.equal((await child.status).code, 0);
    const at = (type: string) => lines.findIndex(({ line }) => line.includes(`"type":"${type}"`));
    const call = at("tool_call");
    const result = at("tool_result");
    const outputs = lines.slice(call, result).filter(({ line }) =>
      line.includes('"type":"tool_output"')
    );
    assert.ok(outputs.length >= 3, `${outputs.length} tool_output events before the result`);
    assert.ok(
      outputs[0].at - lines[call].at < 600,
      `the first came ${outputs[0].at - lines[call].at} ms after the tool_call`,
    );
    const events = jsonLines(lines.map(({ line }) => line).join("\n"));
    const text = eventsOf(events, "tool_output").map((event) => event.text).join("");
    assert.equal(text, "tick 1\ntick 2\ntick 3\ntick 4\ntick 5\n");
    const [toolCall] = eventsOf(events, "tool_call");
    assert.ok(eventsOf(events, "tool_output").every((event) => event.id === toolCall.id));
  },
);

Deno.test("--json: the output printed before a timeout is in the tool result and the history", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bashCall("echo started; sleep 30")] },
    { kind: "message", content: "It timed out." },
  ]);
  const child = spawnCli(
    ["--json", "--no-docker", "--approval", "never", "--timeout", "1", "wait"],
    { server },
  );
  const { code, stdout } = await child.output();
  assert.equal(code, 0);
  const events = jsonLines(new TextDecoder().decode(stdout));
  assert.equal(eventsOf(events, "tool_output").map((event) => event.text).join(""), "started\n");
  const [result] = eventsOf(events, "tool_result");
  assert.match(result.content, /^started\n\[timed out after 1 s: /);
  const told = server.requests[1].body.messages.at(-1);
  assert.match(String(told?.content), /^started\n\[timed out after 1 s: /);
});

Deno.test("--json: SIGINT mid-command keeps what the command printed, with [stopped after N s: …]", async () => {
  await using server = await OpenAIServer.start([
    { kind: "message", toolCalls: [bashCall("echo started; echo warned >&2; sleep 60")] },
  ]);
  const child = spawnCli(["--json", "--no-docker", "--approval", "never", "wait"], { server });
  const lines: string[] = [];
  let pending = "";
  let killed = false;
  for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) {
    const parts = (pending + text).split("\n");
    pending = parts.pop() ?? "";
    lines.push(...parts);
    // The tool_call's arguments name them too: only what the command printed counts.
    const printed = lines.filter((line) => line.includes('"type":"tool_output"')).join("\n");
    if (!killed && printed.includes("started") && printed.includes("warned")) {
      child.kill("SIGINT");
      killed = true;
    }
  }
  assert.equal((await child.status).code, 130);
  const events = jsonLines(lines.join("\n"));
  const [result] = eventsOf(events, "tool_result");
  assert.match(
    result.content,
    /^started\n\[stderr\]\nwarned\n\[stopped after \d+\.\d s: the user cancelled the step\]$/,
  );
  const types = events.map((event) => event.type);
  assert.ok(types.lastIndexOf("tool_output") < types.indexOf("tool_result"));
  assert.equal(events.at(-1)?.type, "step_end");
});

Deno.test({
  name: "the interactive view shows a running command's last lines in its frame, then its result",
  ignore: noTmuxReason !== undefined && Deno.env.get("CI") !== "true",
  fn: async () => {
    await using server = await OpenAIServer.start([
      {
        kind: "message",
        toolCalls: [bashCall("for i in $(seq 1 30); do echo tick $i; sleep 0.1; done; sleep 2")],
      },
      { kind: "message", content: "Counted." },
    ]);
    await using terminal = await Terminal.start(
      [Deno.execPath(), "run", "-A", MAIN, "--no-docker", "--approval", "never"],
      cliEnv({ server }),
    );
    await terminal.waitFor(/pygent› $/m);
    await terminal.send("count", "Enter");
    const running = await terminal.waitFor(/│ tick 30\n/);
    assert.doesNotMatch(running, /exit 0/, "shown while it runs");
    assert.match(running, /│ tick 11\n/, "the last 20 lines");
    assert.doesNotMatch(running, /│ tick 10\n/, "no more than 20 lines");
    const done = await terminal.waitFor(/╰─ exit 0[\s\S]*Counted\./);
    assert.match(done, /│ tick 10\n│ … 15 more lines hidden\n│ tick 26\n/, "then the final view");
    assert.doesNotMatch(done, /│ tick 11\n/, "the live lines were replaced");
    await terminal.send("/exit", "Enter");
    await terminal.waitFor(/EXITED 0/);
  },
});

Deno.test("OutputCoalescer passes a quiet stream's first piece at once and joins what follows", () => {
  const seen: ToolOutputEvent[] = [];
  const joined = new OutputCoalescer((event) => seen.push(event));
  joined.push(output("a"));
  joined.push(output("b"));
  joined.push(output("c"));
  assert.deepEqual(seen.map((event) => event.text), ["a"]);
  joined.flush();
  assert.deepEqual(seen.map((event) => event.text), ["a", "bc"]);
});

Deno.test("OutputCoalescer passes what waits after 100 ms", async () => {
  const seen: string[] = [];
  const joined = new OutputCoalescer((event) => seen.push(event.text));
  joined.push(output("a"));
  joined.push(output("b"));
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.deepEqual(seen, ["a", "b"]);
  joined.flush();
});

Deno.test("OutputCoalescer passes 64 KiB at once, without waiting for the interval", () => {
  const seen: string[] = [];
  const joined = new OutputCoalescer((event) => seen.push(event.text));
  joined.push(output("first"));
  joined.push(output("x".repeat(40_000)));
  assert.equal(seen.length, 1);
  joined.push(output("é".repeat(13_000)));
  assert.equal(seen.length, 2, "40 000 + 26 000 bytes waited");
  joined.flush();
});

Deno.test("OutputCoalescer keeps stdout and stderr apart", () => {
  const seen: ToolOutputEvent[] = [];
  const joined = new OutputCoalescer((event) => seen.push(event));
  joined.push(output("o1"));
  joined.push(output("e1", "stderr"));
  joined.push(output("o2"));
  joined.push(output("e2", "stderr"));
  joined.flush();
  assert.deepEqual(seen.map(({ stream, text }) => `${stream}:${text}`), [
    "stdout:o1",
    "stderr:e1",
    "stdout:o2",
    "stderr:e2",
  ]);
});

Deno.test("JsonView prints a call's waiting output before its tool_result", () => {
  const lines: string[] = [];
  const view = new JsonView((line) => lines.push(line));
  for (const text of ["1\n", "2\n", "3\n"]) view.event(output(text));
  view.event({
    type: "tool_result",
    id: "c1",
    name: "bash",
    arguments: "{}",
    content: "1\n2\n3\n[exit code 0]",
    isError: false,
    durationMs: 1,
  });
  assert.deepEqual(lines.map((line) => JSON.parse(line).type), [
    "tool_output",
    "tool_output",
    "tool_result",
  ]);
  assert.equal(JSON.parse(lines[1]).text, "2\n3\n");
});

Deno.test("LiveLines keeps the last lines, sanitized, and shows a \\r redraw as a terminal ends it", () => {
  const lines = new LiveLines(3);
  lines.push("stdout", "a\nb\n\x1b[2Jc\nprogress 1");
  lines.push("stdout", "0%\rprogress 5");
  lines.push("stdout", "0%\r");
  assert.deepEqual(lines.rows().map((row) => row.text), ["b", "^[[2Jc", "progress 50%"]);
});

Deno.test("LiveLines keeps stdout and stderr lines in the order they ended", () => {
  const lines = new LiveLines();
  lines.push("stdout", "out ");
  lines.push("stderr", "err\n");
  lines.push("stdout", "line\n");
  assert.deepEqual(lines.rows(), [
    { stream: "stderr", text: "err" },
    { stream: "stdout", text: "out line" },
  ]);
});

Deno.test("TerminalView draws live lines in the open frame, then replaces them with the result", () => {
  let out = "";
  const view = new TerminalView({
    out: (text) => out += text,
    err: () => {},
    style: createStyle(false),
    errStyle: createStyle(false),
    live: true,
  });
  const args = JSON.stringify({ cmd: "count" });
  view.event({ type: "tool_call", id: "c1", name: "bash", arguments: args });
  view.event(output("one\ntw"));
  assert.ok(out.endsWith("│ one\n│ tw\n"), JSON.stringify(out));
  const result: AgentEvent = {
    type: "tool_result",
    id: "c1",
    name: "bash",
    arguments: args,
    content: "one\ntwo\n[exit code 0]",
    isError: false,
    exitCode: 0,
    durationMs: 5,
  };
  view.event(result);
  assert.ok(out.endsWith("\x1b[2A\r\x1b[J│ one\n│ two\n╰─ exit 0 · 0.01 s\n"), JSON.stringify(out));
});

Deno.test("TerminalView shows no live lines when it is not on a terminal", () => {
  let out = "";
  const view = new TerminalView({
    out: (text) => out += text,
    err: () => {},
    style: createStyle(false),
    errStyle: createStyle(false),
    live: false,
  });
  view.event(output("one\n"));
  assert.equal(out, "");
});
