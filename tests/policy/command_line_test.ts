// A command line split into the parts the policy judges (lib/policy/command_line.ts).
import assert from "node:assert/strict";
import { analyzeCommandLine, type Part } from "../../lib/policy/command_line.ts";
import { loadBashParser } from "../../lib/policy/shell_parser.ts";

async function parts(line: string): Promise<Part[]> {
  return analyzeCommandLine(await loadBashParser(), line);
}

/** A part in one short string: `command: git push`, `write: >out.txt`... */
function describe(part: Part): string {
  switch (part.kind) {
    case "command":
      return `command: ${part.words.map((w) => w.value).join(" ")}` +
        (part.unjudgeable ? ` (${part.unjudgeable})` : "");
    case "setting":
      return `setting: ${part.variable}`;
    default:
      return `${part.kind}: ${part.text}`;
  }
}

Deno.test("a chain is split into its simple commands, in order", async () => {
  assert.deepEqual((await parts("cd src && make -j4 2>&1 | tail -n 5; ls &")).map(describe), [
    "command: cd src",
    "command: make -j4",
    "command: tail -n 5",
    "command: ls",
  ]);
});

Deno.test("a command substitution is a hidden part, and its commands are parts too", async () => {
  assert.deepEqual((await parts("echo $(git rev-parse HEAD) > rev.txt")).map(describe), [
    "command: echo $(git rev-parse HEAD)",
    "hidden: $(git rev-parse HEAD)",
    "command: git rev-parse HEAD",
    "write: >rev.txt",
  ]);
});

Deno.test("a write keeps its file descriptor and operator as written", async () => {
  assert.deepEqual((await parts("make 2>>err.log >&2 3<&0")).map(describe), [
    "command: make",
    "write: 2>>err.log",
  ]);
});

Deno.test("the - that the grammar drops before a heredoc is kept", async () => {
  assert.deepEqual((await parts("python3 - <<EOF\nprint(1)\nEOF")).map(describe), [
    "command: python3 -",
  ]);
});

Deno.test("words that only a line continuation separates are one word, as in the shell", async () => {
  assert.deepEqual((await parts("ec\\\nho hi \\\n there")).map(describe), [
    "command: echo hi there",
  ]);
});

Deno.test("wrappers are taken off, and kept for deny rules and for sudo's allow rules", async () => {
  const [part] = await parts("sudo -u bob env A=1 PATH=/x nice git push");
  assert.ok(part.kind === "command");
  assert.deepEqual(part.words.map((w) => w.value), ["git", "push"]);
  assert.deepEqual(part.wrappers.map((l) => l.map((w) => w.value).join(" ")), [
    "sudo -u bob",
    "env A=1 PATH=/x",
    "nice",
  ]);
  assert.deepEqual(part.allowPrefix.map((w) => w.value), ["sudo", "-u", "bob"]);
  assert.deepEqual(part.unsafeVariables, ["PATH"]);
});

Deno.test("find's -exec commands are parts of their own", async () => {
  assert.deepEqual(
    (await parts("find . -name '*.o' -exec rm -f {} + -fprint list.txt")).map(describe),
    [
      "command: find . -name *.o -exec -fprint list.txt",
      "write: list.txt",
      "command: rm -f {}",
    ],
  );
});

Deno.test("the literal string of sh -c is read as a command line", async () => {
  assert.deepEqual((await parts("bash -c 'cd x && rm y'")).map(describe), [
    "command: bash -c cd x && rm y (bash -c runs a string as commands no rule sees)",
    "command: cd x",
    "command: rm y",
  ]);
});

Deno.test("an assignment to an unsafe variable is a setting; others are nothing to judge", async () => {
  assert.deepEqual(
    (await parts("X=1; export LD_PRELOAD=/tmp/x.so; declare -x Y=2")).map(describe),
    [
      "setting: LD_PRELOAD",
    ],
  );
});

Deno.test("a parse error is reported once, where it starts", async () => {
  assert.deepEqual((await parts("ls ) ; echo (")).filter((p) => p.kind === "error").length, 1);
  const [error] = (await parts("echo 'open")).filter((p) => p.kind === "error");
  assert.ok(error.kind === "error");
  assert.match(error.reason, /at line 1, column 6/);
});

Deno.test("a chain too deep to walk is a parse error, not a crash", async () => {
  const line = Array.from({ length: 20_000 }, () => "true").join(" && ");
  const found = await parts(line);
  assert.ok(found.length > 0);
});
