import assert from "node:assert/strict";
import { clipLine, frameBody, frameHead, shortenLines } from "../../lib/cli/frame.ts";
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

Deno.test("frameHead() and frameBody() draw a block, with red rules on failure", () => {
  const plain = createStyle(false);
  assert.equal(
    frameHead("bash", plain) + frameBody(["out"], "exit 1", true, plain),
    "╭─ bash\n│ out\n╰─ exit 1\n",
  );
  assert.ok(frameBody([], "exit 1", true, createStyle(true)).startsWith("\x1b[31m╰─\x1b[39m"));
});
