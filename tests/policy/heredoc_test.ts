// Here-document delimiters as bash reads them (lib/policy/heredoc.ts), and a check against bash
// itself: where bash ends a here-document, the policy sees the commands that follow, or asks.
import assert from "node:assert/strict";
import { analyzeCommandLine } from "../../lib/policy/command_line.ts";
import { heredocDelimiter } from "../../lib/policy/heredoc.ts";
import { loadBashParser } from "../../lib/policy/shell_parser.ts";

const DELIMITERS: [string, string | undefined, boolean?][] = [
  ["EOF", "EOF", false],
  ["'EOF'", "EOF", true],
  ['"EOF"', "EOF", true],
  ["\\EOF", "EOF", true],
  ["E\\OF", "EOF", true],
  ["$'X'", "X", true],
  ['$"X"', "X", true],
  ["X''", "X", true],
  ['X""', "X", true],
  ["$'X'Y", "XY", true],
  ["X$'Y'", "XY", true],
  ["X;", "X", false],
  ["X|cat", "X", false],
  ['"X"Y', "XY", true],
  ["$'\\x58'", "X", true],
  ["$'X\\0Y'", "X", true],
  ["'E F'", "E F", true],
  ["$X", "$X", false],
  ["  EOF", "EOF", false],
  ["$(x)", undefined],
  ["`x`", undefined],
  ['"$(x)"', undefined],
  ["'open", undefined],
  ["X\\\nY", undefined],
  ["", undefined],
];

for (const [text, value, quoted] of DELIMITERS) {
  Deno.test(`heredocDelimiter() reads ${JSON.stringify(text)} as bash does`, () => {
    const delimiter = heredocDelimiter(`${text}\nbody`);
    assert.deepEqual(delimiter, value === undefined ? undefined : { value, quoted });
  });
}

/** The delimiters checked against bash, after `<<` and after `<<-`. */
const FORMS = [
  ...["X", "'X'", "$'X'", '$"X"', "X''", 'X""', "$'X'Y", "X$'Y'", "X;", '"X"Y', "\\X", "$X"],
  ...["$'\\x58'", "$'X\\0Y'"],
];

/** Lines that may end a here-document: each is followed by a call of a stub that logs itself. */
const CANDIDATES = [...FORMS, "XY", "\tX", "X ", "EOF"];

/** A command line with a here-document, and the stubs that follow each candidate end. */
function script(operator: "<<" | "<<-", form: string): { line: string; stubs: string[] } {
  const stubs = CANDIDATES.map((_, i) => `stub${i}`);
  const body = CANDIDATES.map((candidate, i) => `${candidate}\n${stubs[i]}`).join("\n");
  return { line: `: ${operator}${form}\n${body}\n`, stubs };
}

async function hasBash(): Promise<boolean> {
  try {
    return (await new Deno.Command("bash", { args: ["-c", "true"] }).output()).success;
  } catch {
    return false;
  }
}

/** The stubs that bash runs for a command line, in a scratch folder, with nothing else on. */
async function ranByBash(dir: string, line: string, stubs: string[]): Promise<string[]> {
  const functions = stubs.map((stub) => `${stub}() { echo ${stub}; }`).join("\n");
  const file = await Deno.makeTempFile({ dir, suffix: ".sh" });
  await Deno.writeTextFile(file, `${functions}\n${line}`);
  const { stdout } = await new Deno.Command("bash", {
    args: ["--norc", "--noprofile", file],
    cwd: dir,
    clearEnv: true,
    env: { PATH: "/usr/bin:/bin", LC_ALL: "C" },
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(stdout).split("\n").filter((name) => name !== "");
}

Deno.test({
  name: "where bash ends a here-document, the commands that follow are parts, or there is an error",
  ignore: !(await hasBash()),
  fn: async () => {
    const parser = await loadBashParser();
    const dir = await Deno.makeTempDir({ prefix: "pygent_heredoc_" });
    try {
      const checks = (["<<", "<<-"] as const).flatMap((operator) =>
        FORMS.map(async (form) => {
          const { line, stubs } = script(operator, form);
          const ran = await ranByBash(dir, line, stubs);
          const parts = analyzeCommandLine(parser, line);
          if (parts.some((part) => part.kind === "error")) return;
          const seen = parts.flatMap((part) =>
            part.kind === "command" ? [part.words[0].value] : []
          );
          const missed = ran.filter((stub) => !seen.includes(stub));
          assert.deepEqual(missed, [], `${operator}${form}: bash ran ${ran}, Pygent saw ${seen}`);
        })
      );
      await Promise.all(checks);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
