import assert from "node:assert/strict";
import { clipLine, frame, shortenLines } from "../../lib/cli/frame.ts";
import { createStyle } from "../../lib/cli/style.ts";

Deno.test("shortenLines() keeps head and tail and says how many lines it hid", () => {
  const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
  const short = shortenLines(lines, 3, 2);
  assert.deepEqual(short, [
    "line 0",
    "line 1",
    "line 2",
    "… 95 more lines hidden",
    "line 98",
    "line 99",
  ]);
  assert.deepEqual(shortenLines(lines.slice(0, 6), 3, 2), lines.slice(0, 6));
});

Deno.test("clipLine() cuts a long line with an ellipsis", () => {
  assert.equal(clipLine("abcdef", 4), "abc…");
  assert.equal(clipLine("abc", 4), "abc");
});

Deno.test("frame() draws title, body and footer, with red rules on failure", () => {
  const content = { title: "bash", body: ["out"], footer: "exit 1", failed: true };
  assert.equal(frame(content, createStyle(false)), "╭─ bash\n│ out\n╰─ exit 1\n");
  assert.ok(frame(content, createStyle(true)).startsWith("\x1b[31m╭─\x1b[39m"));
});
