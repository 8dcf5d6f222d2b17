// The approval question in a real terminal (issue 12 §3): `pygent --no-docker --cwd` in tmux,
// in a temporary folder, against the scripted model server. On the host, approval "auto" asks
// before every command no rule allows.
import assert from "node:assert/strict";
import { OpenAIServer, type RecordedRequest } from "../support/openai_server.ts";
import { bashCall, cliEnv, MAIN } from "./cli_process.ts";
import { noTmuxReason, Terminal } from "./tmux.ts";

if (noTmuxReason) console.warn(`Skipping terminal tests: ${noTmuxReason}`);

const QUESTION = /│ Run it\? \[y\]es \/ \[n\]o \/ \[a\]lways this session \/ \[e\]xplain $/m;
const PROMPT = /pygent› $/m;

/**
 * The model: "run COMMAND" is answered with a bash call of COMMAND ("run A ;; B": two calls);
 * a tool result with "Model saw: RESULT"; anything else with "Heard: MESSAGE".
 */
function model(request: RecordedRequest) {
  const last = request.body.messages.at(-1);
  const text = typeof last?.content === "string" ? last.content : "";
  if (last?.role === "tool") return { kind: "message" as const, content: `Model saw: ${text}` };
  const commands = /^run (.+)$/.exec(text)?.[1].split(" ;; ");
  return commands === undefined
    ? { kind: "message" as const, content: `Heard: ${text}` }
    : { kind: "message" as const, toolCalls: commands.map(bashCall) };
}

/**
 * A test of `pygent --no-docker --cwd` in a temporary folder, in a real terminal: skipped (with
 * the reason printed) where tmux is missing, except under CI=true.
 */
function approvalTest(
  name: string,
  fn: (context: { terminal: Terminal; server: OpenAIServer; dir: string }) => Promise<void>,
  userConfig?: string,
): void {
  Deno.test({
    name,
    ignore: noTmuxReason !== undefined && Deno.env.get("CI") !== "true",
    fn: async () => {
      const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-approval-" }));
      const config = await Deno.makeTempDir({ prefix: "pygent-approval-config-" });
      try {
        // The user's config file, in a folder of its own (never the workspace).
        if (userConfig !== undefined) {
          await Deno.mkdir(`${config}/pygent`);
          await Deno.writeTextFile(`${config}/pygent/config.toml`, userConfig);
        }
        await using server = await OpenAIServer.start(model);
        await using terminal = await Terminal.start(
          [
            "sh",
            "-c",
            'cd "$0" && exec "$@"',
            dir,
            Deno.execPath(),
            "run",
            "-A",
            MAIN,
            "--no-docker",
            "--cwd",
          ],
          cliEnv({ server, env: userConfig === undefined ? {} : { XDG_CONFIG_HOME: config } }),
        );
        await terminal.waitFor(PROMPT);
        await fn({ terminal, server, dir });
        await terminal.send("/exit", "Enter");
        await terminal.waitFor(/EXITED 0/);
      } finally {
        await Deno.remove(dir, { recursive: true });
        await Deno.remove(config, { recursive: true });
      }
    },
  });
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Answers n, then Enter at the reason question once it shows: what is typed before a question
 * shows is not its answer.
 */
async function decline(terminal: Terminal): Promise<void> {
  await terminal.send("n", "Enter");
  await terminal.waitFor(/│ Reason for the model \(Enter for none\): $/m);
  await terminal.send("Enter");
}

/** What the model was told of its tool calls, in the last request it got. */
function lastToolResults(server: OpenAIServer): string[] {
  return (server.requests.at(-1)?.body.messages ?? []).flatMap((message) =>
    message.role === "tool" && typeof message.content === "string" ? [message.content] : []
  );
}

approvalTest("answering y at the approval question runs the command", async ({ terminal, dir }) => {
  await terminal.send("run touch made.txt", "Enter");
  const asked = await terminal.waitFor(QUESTION);
  assert.match(asked, /╭─ \$ touch made\.txt\n│ on the host, every command needs approval/);
  assert.equal(await exists(`${dir}/made.txt`), false);
  await terminal.send("y", "Enter");
  await terminal.waitFor(
    /│ allowed by you\n╰─ exit 0[\s\S]*Model saw: \[exit code 0\][\s\S]*pygent› $/m,
  );
  assert.equal(await exists(`${dir}/made.txt`), true);
});

approvalTest(
  "an answer to the approval question is not added to the prompt's history",
  async ({ terminal }) => {
    await terminal.send("run touch made.txt", "Enter");
    await terminal.waitFor(QUESTION);
    await terminal.send("y", "Enter");
    await terminal.waitFor(/╰─ exit 0[\s\S]*pygent› $/m);
    await terminal.send("Up");
    await terminal.waitFor(/Model saw: \[exit code 0\]\n.*\npygent› run touch made\.txt$/m);
    await terminal.send("C-u");
  },
);

approvalTest(
  "answering n with a reason does not run the command, and the reason reaches the model",
  async ({ terminal, server, dir }) => {
    await terminal.send("run touch made.txt", "Enter");
    await terminal.waitFor(QUESTION);
    await terminal.send("n", "Enter");
    await terminal.waitFor(/│ Reason for the model \(Enter for none\): $/m);
    await terminal.send("use the fixtures folder", "Enter");
    await terminal.waitFor(
      /│ declined by you\n╰─ not run[\s\S]*Model saw: Not run[\s\S]*pygent› $/m,
    );
    assert.equal(await exists(`${dir}/made.txt`), false);
    assert.deepEqual(lastToolResults(server), [
      "Not run: the user declined. Their reason: use the fixtures folder",
    ]);
  },
);

approvalTest(
  "answering a allows the command's prefix for the session, and says how to keep it",
  async ({ terminal, dir }) => {
    await terminal.send("run touch one.txt", "Enter");
    await terminal.waitFor(QUESTION);
    await terminal.send("a", "Enter");
    // A row wider than the terminal goes on in the next row of the frame.
    const allowed = (await terminal.waitFor(/╰─ exit 0[\s\S]*pygent› $/m)).replaceAll("\n│ ", " ");
    assert.match(
      allowed,
      /Allowed for the rest of this session: commands starting with "touch"\./,
    );
    assert.match(
      allowed,
      /To allow it in every session, add "touch" to the allow list under \[rules\] in \S*config\.toml/,
    );

    await terminal.send("run touch two.txt", "Enter");
    const second = await terminal.waitFor(/\$ touch two\.txt\n[\s\S]*╰─ exit 0[\s\S]*pygent› $/m);
    assert.equal(second.match(/Run it\?/g)?.length, 1, second);
    assert.equal(await exists(`${dir}/two.txt`), true);
  },
);

approvalTest(
  "Ctrl-C at the approval question cancels the step, and the session goes on",
  async ({ terminal, dir }) => {
    await terminal.send("run touch made.txt", "Enter");
    await terminal.waitFor(QUESTION);
    await terminal.send("C-c");
    await terminal.waitFor(/Cancelled\.\n[\s\S]*pygent› $/m);
    assert.equal(await exists(`${dir}/made.txt`), false);
    await terminal.send("hello", "Enter");
    await terminal.waitFor(/Heard: hello[\s\S]*pygent› $/m);
  },
);

approvalTest(
  "Ctrl-D at the approval question cancels the step, and the session goes on",
  async ({ terminal }) => {
    await terminal.send("run touch made.txt", "Enter");
    await terminal.waitFor(QUESTION);
    await terminal.send("C-d");
    await terminal.waitFor(/Cancelled\.\n[\s\S]*pygent› $/m);
    await terminal.send("hello", "Enter");
    await terminal.waitFor(/Heard: hello[\s\S]*pygent› $/m);
  },
);

approvalTest(
  "a line typed with the message is not the answer to the approval question: it waits for the next prompt",
  async ({ terminal, server, dir }) => {
    // "y" is typed with the message, long before the question can appear.
    await terminal.send("run touch made.txt", "Enter", "y", "Enter");
    await terminal.waitFor(QUESTION);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await exists(`${dir}/made.txt`), false);
    await decline(terminal);
    await terminal.waitFor(/Heard: y\n[\s\S]*pygent› $/m);
    assert.equal(await exists(`${dir}/made.txt`), false);
    assert.equal(server.requests.at(-1)?.body.messages.at(-1)?.content, "y");
  },
);

approvalTest(
  "a line typed while a command runs is not the answer to the approval question after it",
  async ({ terminal, server, dir }) => {
    await terminal.send("run sleep 1 ;; touch made.txt", "Enter");
    await terminal.waitFor(/\$ sleep 1\n│ allowed by rule "sleep"/);
    await terminal.send("y", "Enter");
    await terminal.waitFor(QUESTION);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await exists(`${dir}/made.txt`), false);
    await decline(terminal);
    await terminal.waitFor(/Heard: y\n[\s\S]*pygent› $/m);
    assert.equal(await exists(`${dir}/made.txt`), false);
    assert.equal(server.requests.at(-1)?.body.messages.at(-1)?.content, "y");
  },
  '[rules]\nallow = ["sleep"]\n',
);

approvalTest(
  "e at the approval question explains the verdict part by part, then asks again",
  async ({ terminal }) => {
    await terminal.send("run echo hi && touch made.txt", "Enter");
    await terminal.waitFor(QUESTION);
    await terminal.send("e", "Enter");
    const explained = await terminal.waitFor(/part by part:[\s\S]*\[e\]xplain $/m);
    assert.match(explained, /│ {3}ask {4}echo hi\n/);
    assert.match(explained, /│ {3}ask {4}touch made\.txt\n/);
    assert.match(explained, /│ \[a\]lways would allow commands starting with "echo", "touch"/);
    await decline(terminal);
    await terminal.waitFor(/declined by you[\s\S]*pygent› $/m);
  },
);
