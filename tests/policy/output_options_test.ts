// Files that commands write through an option (lib/policy/output_options.ts).
import assert from "node:assert/strict";
import { outputWrites } from "../../lib/policy/output_options.ts";
import { literalWord } from "../../lib/policy/words.ts";

const writes = (line: string) =>
  outputWrites(line.split(" ").map(literalWord)).map((w) => [w.text, w.target.value]);

const TABLE: [string, string[][]][] = [
  ["sort -o out.txt in.txt", [["sort -o out.txt", "out.txt"]]],
  ["sort -rout.txt in.txt", [["sort -rout.txt", "ut.txt"]]],
  ["sort -k 2 -o x in", [["sort -o x", "x"]]],
  ["sort --output=x in", [["sort --output=x", "x"]]],
  ["sort -t o in", []],
  ["git diff --output=p.txt", [["git --output=p.txt", "p.txt"]]],
  ["git -C repo log --output p.txt", [["git --output p.txt", "p.txt"]]],
  ["git archive -o a.tar HEAD", [["git -o a.tar", "a.tar"]]],
  ["git format-patch --output-directory out HEAD~2", [["git --output-directory out", "out"]]],
  ["git grep -o needle", []],
  ["git log --output-indicator-new=+", []],
  ["ls -o x", []],
];

for (const [line, expected] of TABLE) {
  Deno.test(`outputWrites() finds ${JSON.stringify(expected)} in ${JSON.stringify(line)}`, () => {
    assert.deepEqual(writes(line), expected);
  });
}
