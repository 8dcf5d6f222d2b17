// Variables that builtins set by name (lib/policy/assigned_variables.ts).
import assert from "node:assert/strict";
import { assignedVariables } from "../../lib/policy/assigned_variables.ts";
import { literalWord } from "../../lib/policy/words.ts";

const names = (line: string) =>
  assignedVariables(line.split(" ").map(literalWord)).map((w) => w.value);

const TABLE: [string, string[]][] = [
  ["read -r a b", ["a", "b"]],
  ["read -p prompt -a arr", ["arr"]],
  ["read -t 5 -- x", ["x"]],
  ["printf -v out %s x", ["out"]],
  ["printf -vout %s x", ["out"]],
  ["printf %s x", []],
  ["mapfile -t lines", ["lines"]],
  ["readarray -d , -t parts", ["parts"]],
  ["getopts ab: opt", ["opt"]],
  ["echo -v x", []],
];

for (const [line, expected] of TABLE) {
  Deno.test(`assignedVariables() finds ${JSON.stringify(expected)} in ${JSON.stringify(line)}`, () => {
    assert.deepEqual(names(line), expected);
  });
}
