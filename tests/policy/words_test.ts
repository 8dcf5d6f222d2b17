// Shell words after quote removal (lib/policy/words.ts), read from the parser's tree.
import assert from "node:assert/strict";
import type { Node } from "web-tree-sitter";
import { loadBashParser } from "../../lib/policy/shell_parser.ts";
import { basename, decodeAnsiC, type Word, wordOf } from "../../lib/policy/words.ts";

/** The words (name and arguments) of the one command in `line`. */
async function wordsOf(line: string): Promise<Word[]> {
  const tree = (await loadBashParser()).parse(line);
  try {
    const command = tree.rootNode.descendantsOfType("command")[0] as Node;
    const name = command.childForFieldName("name") as Node;
    return [name, ...command.childrenForFieldName("argument")].map(wordOf);
  } finally {
    tree.delete();
  }
}

const values = (words: Word[]) => words.map((w) => `${w.value}${w.literal ? "" : " (expands)"}`);

Deno.test("quotes and backslashes are removed", async () => {
  assert.deepEqual(values(await wordsOf(`'gi't "st"a\\tus "a\\"b" 'c\\d'`)), [
    "git",
    "status",
    'a"b',
    "c\\d",
  ]);
});

Deno.test("$'...' strings are decoded", async () => {
  assert.deepEqual(values(await wordsOf("$'g\\x69t' $'a\\tb'")), ["git", "a\tb"]);
});

Deno.test("expansions, substitutions, globs, ~ and brace lists are not literal", async () => {
  assert.deepEqual(values(await wordsOf('echo $X "${Y}" $(id) *.txt ~/x {a,b} "$HOME/x"')), [
    "echo",
    "$X (expands)",
    "${Y} (expands)",
    "$(id) (expands)",
    "*.txt (expands)",
    "~/x (expands)",
    "{a,b} (expands)",
    "$HOME/x (expands)",
  ]);
});

Deno.test("quoted globs and braces are literal", async () => {
  assert.deepEqual(values(await wordsOf("find . -name '*.py' \\*.txt {} '{a,b}'")), [
    "find",
    ".",
    "-name",
    "*.py",
    "*.txt",
    "{}",
    "{a,b}",
  ]);
});

Deno.test("decodeAnsiC() decodes octal, hex, unicode and control escapes", () => {
  assert.equal(decodeAnsiC("\\101\\x42\\u0043\\cA\\e\\'"), "ABC\x01\x1b'");
});

Deno.test("basename() keeps the last path segment", () => {
  assert.equal(basename("/usr/bin/git"), "git");
  assert.equal(basename("git"), "git");
});
