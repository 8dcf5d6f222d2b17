// A command line split into the parts the policy judges (lib/policy/command_line.ts).
import assert from "node:assert/strict";
import {
  analyzeCommandLine,
  type ErrorPart,
  type HiddenPart,
  MAX_LINE_LENGTH,
  PARSE_BUDGET_MS,
  type Part,
} from "../../lib/policy/command_line.ts";
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

Deno.test("a chain of 5,000 commands is read to its end, without recursion", async () => {
  const found = await parts(`${"ls && ".repeat(5_000)}git push`);
  assert.equal(found.length, 5_001);
  assert.equal(describe(found[5_000]), "command: git push");
});

Deno.test("a line over MAX_LINE_LENGTH is one error part, not read", async () => {
  const found = await parts(`echo ${"x".repeat(MAX_LINE_LENGTH)}`);
  assert.deepEqual(found.map((p) => p.kind), ["error"]);
  assert.match((found[0] as ErrorPart).reason, /too long to check \(32773 characters/);
});

Deno.test("a line that takes the parser too long is given up within the budget", async () => {
  const start = performance.now();
  const found = await parts(")".repeat(16_384));
  // Not the seconds a full parse takes; room above the budget for a busy machine.
  assert.ok(performance.now() - start < PARSE_BUDGET_MS * 6, "it took far over the budget");
  assert.match((found[0] as ErrorPart).reason, /takes too long to read/);
});

Deno.test("NUL characters are dropped before the line is read, as bash drops them", async () => {
  assert.deepEqual((await parts("gi\0t pu\0sh")).map(describe), ["command: git push"]);
});

Deno.test("a $( in quotes is a hidden part, once per string", async () => {
  assert.deepEqual((await parts("x='a[$(id)] $(id)'; echo \"`id`\"")).map(describe), [
    "command: echo `id`",
    "hidden: `id`",
    "command: id",
    "hidden: 'a[$(id)] $(id)'",
  ]);
});

Deno.test("a $( in a quoted here-document is text, not a hidden part", async () => {
  assert.deepEqual((await parts("cat <<'EOF'\n$(id)\nEOF")).map(describe), ["command: cat"]);
});

Deno.test("a backquote the grammar misses in a here-document is a hidden part", async () => {
  const found = await parts("cat <<EOF\n`id`\nEOF");
  assert.deepEqual(found.map((p) => p.kind), ["command", "hidden"]);
  assert.match((found[1] as HiddenPart).reason, /here-document holds a command substitution/);
});

Deno.test("declare -n is a setting: the name reference can stand for PATH", async () => {
  assert.deepEqual((await parts("declare -n p=PATH")).map(describe), [
    "setting: p (a name reference, which can stand for PATH)",
  ]);
});

Deno.test("read, printf -v and mapfile into an unsafe variable are settings", async () => {
  assert.deepEqual(
    (await parts("read -r PATH; printf -v LD_PRELOAD %s x; mapfile IFS")).map(describe),
    [
      "command: read -r PATH",
      "setting: PATH",
      "command: printf -v LD_PRELOAD %s x",
      "setting: LD_PRELOAD",
      "command: mapfile IFS",
      "setting: IFS",
    ],
  );
});

Deno.test("! and time before a compound command are blanked and the line read again", async () => {
  assert.deepEqual((await parts("! { ls; } && time -p if true; then git push; fi")).map(describe), [
    "command: ls",
    "command: true",
    "command: git push",
  ]);
});

Deno.test("a brace-expanded command name is expanded, and no allow rule can judge it", async () => {
  assert.deepEqual((await parts("env r{m,} -rf /")).map(describe), [
    "command: rm r -rf / (the command name is a brace expansion (r{m,}), so no allow rule can " +
    "judge it)",
  ]);
});

Deno.test("a wrapper's output option and sort -o are file writes", async () => {
  assert.deepEqual((await parts("time -o t.txt sort -o out.txt in.txt")).map(describe), [
    "command: sort -o out.txt in.txt",
    "write: time -o t.txt",
    "write: sort -o out.txt",
  ]);
});

Deno.test("su -c's string is read as a command line", async () => {
  assert.deepEqual((await parts("su -c 'rm x' root")).map(describe), [
    "command: su -c rm x root (su -c runs a string as commands no rule sees)",
    "command: rm x",
  ]);
});

Deno.test("a runner's unknown option makes each later word a guess for deny rules", async () => {
  const [part] = await parts("uv run --new x git push");
  assert.ok(part.kind === "command");
  assert.deepEqual(part.words.map((w) => w.value), ["x", "git", "push"]);
  assert.deepEqual(part.guesses.map((g) => g.map((w) => w.value).join(" ")), [
    "git push",
    "push",
  ]);
});

Deno.test("a fish string is read for commands, but its bash parse errors are not reported", async () => {
  assert.deepEqual((await parts("fish -c 'if true; rm x; end'")).map(describe), [
    "command: fish -c if true; rm x; end (fish -c runs a string as commands no rule sees)",
    "command: true",
    "command: rm x",
  ]);
});
