import assert from "node:assert/strict";
import type { ApprovalRequest } from "../../lib/agent/approval.ts";
import { type ApprovalInput, createApprover } from "../../lib/cli/approval_prompt.ts";
import { createStyle } from "../../lib/cli/style.ts";
import { TerminalView } from "../../lib/cli/terminal_view.ts";
import { commandRequest, CONFIG, writeRequest } from "./approval_requests.ts";

/** The terminal's input, scripted: each question gets the next line (undefined: Ctrl-C). */
class ScriptedInput implements ApprovalInput {
  readonly questions: string[] = [];
  readonly #answers: (string | undefined)[];

  constructor(answers: (string | undefined)[]) {
    this.#answers = answers;
  }

  ask(question: string): Promise<string | undefined> {
    this.questions.push(question);
    if (this.#answers.length === 0) return Promise.reject(new Error(`unscripted: ${question}`));
    return Promise.resolve(this.#answers.shift());
  }
}

/** An approver drawing on a real TerminalView (no colour), reading `answers`. */
function approver(answers: (string | undefined)[], cancel = () => {}) {
  let out = "";
  const view = new TerminalView({
    out: (text) => out += text,
    err: (text) => out += text,
    style: createStyle(false),
    errStyle: createStyle(false),
    live: false,
    columns: 200,
  });
  const input = new ScriptedInput(answers);
  const approve = createApprover({ view, prompt: input, userConfigFile: CONFIG, cancel });
  return {
    approve: (request: ApprovalRequest, signal?: AbortSignal) => approve(request, signal),
    input,
    shown: () => out,
  };
}

const QUESTION = "│ Run it? [y]es / [n]o / [a]lways this session / [e]xplain ";
const REASON_QUESTION = "│ Reason for the model (Enter for none): ";

Deno.test("createApprover() shows why the call asks, then asks Run it? with four answers", async () => {
  const { approve, input, shown } = approver(["y"]);
  await approve(await commandRequest("touch a.txt"));
  assert.deepEqual(input.questions, [QUESTION]);
  assert.equal(
    shown(),
    '│ on the host, every command needs approval unless an allow rule matches (approval "auto")\n',
  );
});

Deno.test("createApprover() answers allow to y, Y and yes", async () => {
  for (const answer of ["y", "Y", " yes "]) {
    const { approve } = approver([answer]);
    assert.equal(await approve(await commandRequest("touch a.txt")), "allow");
  }
});

Deno.test("createApprover() answers always to a, and says what it allows and how to keep it", async () => {
  const { approve, shown } = approver(["A"]);
  const request = await commandRequest("git status && npm install lodash && make");
  assert.equal(await approve(request), "always");
  assert.ok(
    shown().endsWith(
      '│ Allowed for the rest of this session: commands starting with "npm install", "make".\n' +
        '│ To allow it in every session, add "npm install", "make" to the allow list under [rules] ' +
        `in ${CONFIG} (allow = ["npm install", "make"] if it has none).\n`,
    ),
    shown(),
  );
});

Deno.test("createApprover() advises the file tools' allow rules when always allows every file write", async () => {
  const { approve, shown } = approver(["a"]);
  assert.equal(await approve(await writeRequest("a.txt", undefined, "hi\n")), "always");
  assert.match(
    shown(),
    /│ Allowed for the rest of this session: every file write\.\n│ To allow it in every session, add "write_file", "edit_file" to the allow list/,
  );
});

Deno.test("createApprover() asks for a reason after a bare n, and gives it to the model", async () => {
  const { approve, input } = approver(["no", "  use the fixtures folder  "]);
  const answer = await approve(await commandRequest("touch a.txt"));
  assert.deepEqual(answer, { deny: "use the fixtures folder" });
  assert.deepEqual(input.questions, [QUESTION, REASON_QUESTION]);
});

Deno.test("createApprover() takes a reason given after n on the same line", async () => {
  const { approve, input } = approver(["n: not on main, use a branch"]);
  const answer = await approve(await commandRequest("touch a.txt"));
  assert.deepEqual(answer, { deny: "not on main, use a branch" });
  assert.equal(input.questions.length, 1);
});

Deno.test("createApprover() answers a plain deny when the reason is left empty", async () => {
  const { approve } = approver(["N", ""]);
  assert.equal(await approve(await commandRequest("touch a.txt")), "deny");
});

Deno.test("createApprover() explains the verdict part by part on e, then asks again", async () => {
  const { approve, input, shown } = approver(["e", "y"]);
  assert.equal(await approve(await commandRequest("git status && npm install lodash")), "allow");
  assert.deepEqual(input.questions, [QUESTION, QUESTION]);
  assert.ok(
    shown().endsWith(
      "│ How the policy judged it, part by part:\n" +
        "│   allow  git status\n" +
        `│          allowed by rule "git status" in ${CONFIG}\n` +
        "│   ask    npm install lodash\n" +
        "│          on the host, every command needs approval unless an allow rule matches " +
        '(approval "auto")\n' +
        '│ [a]lways would allow commands starting with "npm install" for the rest of this ' +
        "session.\n",
    ),
    shown(),
  );
});

Deno.test("createApprover() asks again with a hint after an answer it does not know", async () => {
  const { approve, input, shown } = approver(["", "maybe", "y"]);
  assert.equal(await approve(await commandRequest("touch a.txt")), "allow");
  assert.equal(input.questions.length, 3);
  const hint = "│ Answer y to run it, n not to (n REASON tells the model why), a to allow " +
    'commands starting with "touch" for this session, or e to see why it asks.\n';
  assert.equal(shown().split(hint).length, 3, shown());
});

Deno.test("createApprover() does not offer always when no rule can name what the command runs", async () => {
  const { approve, input, shown } = approver(["a", "e", "y"]);
  const request = await commandRequest("echo $(whoami)");
  assert.equal(await approve(request), "allow");
  assert.deepEqual(input.questions, Array(3).fill("│ Run it? [y]es / [n]o / [e]xplain "));
  assert.match(shown(), /│ \[a\]lways is not offered for this call \(\[e\]xplain says why\)/);
  assert.match(
    shown(),
    /│ \[a\]lways is not offered: no allow rule would stop "\$\(whoami\)" from asking again \(command substitution can run commands no rule sees\), so only this call can be allowed\.\n/,
  );
});

Deno.test("createApprover() cancels the step on Ctrl-C at the question, and rejects with the cancel", async () => {
  const step = new AbortController();
  let cancels = 0;
  const { approve } = approver([undefined], () => {
    cancels++;
    step.abort(new Error("cancelled by the user"));
  });
  await assert.rejects(
    approve(await commandRequest("touch a.txt"), step.signal),
    /cancelled by the user/,
  );
  assert.equal(cancels, 1);
});

Deno.test("createApprover() waits for the step's signal after cancelling it", async () => {
  const step = new AbortController();
  const { approve } = approver([undefined]);
  let settled = false;
  const answer = approve(await commandRequest("touch a.txt"), step.signal).finally(() => {
    settled = true;
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(settled, false);
  step.abort(new Error("cancelled"));
  await assert.rejects(answer, /cancelled/);
});

Deno.test("createApprover() cancels the step on Ctrl-C at the reason question", async () => {
  const step = new AbortController();
  const { approve } = approver(["n", undefined], () => step.abort(new Error("cancelled")));
  await assert.rejects(approve(await commandRequest("touch a.txt"), step.signal), /cancelled/);
});

Deno.test("createApprover() answers deny to Ctrl-C when it was given no signal to wait for", async () => {
  let cancels = 0;
  const { approve } = approver([undefined], () => cancels++);
  assert.equal(await approve(await commandRequest("touch a.txt")), "deny");
  assert.equal(cancels, 1);
});

Deno.test("createApprover() asks nothing when the step is already cancelled", async () => {
  const step = new AbortController();
  step.abort(new Error("cancelled"));
  const { approve, input } = approver([]);
  await assert.rejects(approve(await commandRequest("touch a.txt"), step.signal), /cancelled/);
  assert.equal(input.questions.length, 0);
});
