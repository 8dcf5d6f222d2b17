import assert from "node:assert/strict";
import { TomlLocations } from "../../lib/config/toml_locations.ts";

const TEXT = `# a comment with "quotes" and = signs
model = "m" # trailing
"quoted key" = 1
a.b.c = true

[rules]
deny = [
  "git push", # no pushing
  'rm -rf',
]
ask = ["pip install", """
multi"""]

[profiles.ci]
memory = "1g"
inline = { x = 1, y.z = [2, 3] }

[profiles."my ci"]
root = true
`;

const where = TomlLocations.scan(TEXT);

Deno.test("TomlLocations gives the line of a top-level key", () => {
  assert.equal(where.line(["model"]), 2);
  assert.equal(where.line(["quoted key"]), 3);
});

Deno.test("TomlLocations gives the line of each part of a dotted key", () => {
  assert.deepEqual([where.line(["a"]), where.line(["a", "b"]), where.line(["a", "b", "c"])], [
    4,
    4,
    4,
  ]);
});

Deno.test("TomlLocations gives the line of a table's header and of the keys under it", () => {
  assert.equal(where.line(["rules"]), 6);
  assert.equal(where.line(["rules", "deny"]), 7);
  assert.equal(where.line(["profiles"]), 14);
  assert.equal(where.line(["profiles", "ci"]), 14);
  assert.equal(where.line(["profiles", "ci", "memory"]), 15);
  assert.equal(where.line(["profiles", "my ci", "root"]), 19);
});

Deno.test("TomlLocations gives the line of each element of an array", () => {
  assert.deepEqual([where.line(["rules", "deny", 0]), where.line(["rules", "deny", 1])], [8, 9]);
  assert.deepEqual([where.line(["rules", "ask", 0]), where.line(["rules", "ask", 1])], [11, 11]);
});

Deno.test("TomlLocations counts the lines inside a multi-line string", () => {
  assert.equal(where.line(["profiles", "ci", "memory"]), 15);
});

Deno.test("TomlLocations gives the lines of the keys of an inline table", () => {
  assert.equal(where.line(["profiles", "ci", "inline", "x"]), 16);
  assert.equal(where.line(["profiles", "ci", "inline", "y", "z", 1]), 16);
});

Deno.test("TomlLocations falls back to the nearest parent that has a line", () => {
  assert.equal(where.line(["rules", "deny", 7]), 7);
  assert.equal(where.line(["nowhere"]), undefined);
});

Deno.test("TomlLocations gives the spans of an array's value and elements", () => {
  const entry = where.get(["rules", "deny"]);
  assert.ok(entry?.value && entry.elements && entry.close !== undefined);
  assert.equal(TEXT.slice(entry.elements[0].start, entry.elements[0].end), '"git push"');
  assert.equal(TEXT.slice(entry.elements[1].start, entry.elements[1].end), "'rm -rf'");
  assert.equal(TEXT[entry.close], "]");
  assert.ok(TEXT.slice(entry.value.start, entry.value.end).startsWith("[\n"));
});

Deno.test("TomlLocations marks where the top-level keys end", () => {
  assert.equal(TEXT.slice(0, where.rootEnd).trimEnd().split("\n").length, 4);
  assert.equal(TomlLocations.scan("[t]\nx = 1\n").rootEnd, undefined);
});
