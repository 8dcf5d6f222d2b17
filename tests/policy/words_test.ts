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

Deno.test("a brace list's words are expanded, in order", async () => {
  const [, braces, around, empty] = await wordsOf("echo {rm,-rf,/} a{b,{c,d}}e x{,y}");
  assert.deepEqual(braces.braceWords?.map((w) => w.value), ["rm", "-rf", "/"]);
  assert.deepEqual(around.braceWords?.map((w) => w.value), ["abe", "ace", "ade"]);
  assert.deepEqual(empty.braceWords?.map((w) => w.value), ["x", "xy"]);
});

Deno.test("quoted commas and braces are not expanded", async () => {
  const [, word] = await wordsOf("echo {a','b,c}");
  assert.deepEqual(word.braceWords?.map((w) => w.value), ["a,b", "c"]);
});

Deno.test("a brace sequence is not expanded: no words are given for it", async () => {
  const [, word] = await wordsOf("echo {1..3}");
  assert.equal(word.literal, false);
  assert.equal(word.braceWords, undefined);
});

Deno.test("a word that is not literal says what expands in it", async () => {
  const words = await wordsOf('echo $X "$(id)" a*.txt ~/x {a,b} "${Y}$(id)"');
  assert.deepEqual(words.map((w) => w.expansion), [
    undefined,
    "parameter",
    "substitution",
    "glob",
    "tilde",
    "brace",
    "substitution",
  ]);
});

Deno.test("decodeAnsiC() ends the string at a NUL, however it is written", () => {
  for (const nul of ["\\0", "\\000", "\\x00", "\\x0", "\\c@", "\\u0000", "\\x{}", "\\400"]) {
    assert.equal(decodeAnsiC(`gi${nul}x`), "gi", nul);
  }
});

Deno.test("decodeAnsiC() decodes \\x{...} to its last two hex digits", () => {
  assert.equal(decodeAnsiC("g\\x{69}t \\x{4142}"), "git B");
});
