import assert from "node:assert/strict";
import { MarkdownStream, renderInline, renderMarkdown } from "../../lib/cli/markdown.ts";
import { createStyle } from "../../lib/cli/style.ts";

const plain = createStyle(false);
const color = createStyle(true);

Deno.test("renderInline() styles bold, italic, inline code and links", () => {
  assert.equal(renderInline("**b** *i* `c` [t](http://u)", plain), "b i c t (http://u)");
  assert.equal(renderInline("`**x**`", color), "\x1b[36m**x**\x1b[39m");
  assert.equal(renderInline("snake_case_name and 2*3*4", plain), "snake_case_name and 2*3*4");
});

Deno.test("renderMarkdown() draws lists, headings and code blocks", () => {
  const text = "# Plan\n- one\n* two\n1. three\n```sh\nls **x**\n```\n> note";
  assert.equal(
    renderMarkdown(text, plain),
    "Plan\n• one\n• two\n1. three\n  ┌── sh\n  │ ls **x**\n  └──\n│ note",
  );
});

Deno.test("MarkdownStream passes text through unchanged without colour", () => {
  let out = "";
  const md = new MarkdownStream({ style: plain, write: (t) => out += t });
  for (const piece of ["- **a", "** b\n", "tail"]) md.push(piece);
  md.end();
  assert.equal(out, "- **a** b\ntail\n");
});

Deno.test("MarkdownStream echoes a partial line and redraws it rendered when it ends", () => {
  let out = "";
  const md = new MarkdownStream({ style: color, write: (t) => out += t, columns: 80 });
  md.push("- **a");
  assert.equal(out, "- **a");
  md.push("**\n");
  assert.equal(out, "- **a\r\x1b[2K\x1b[2m•\x1b[22m \x1b[1ma\x1b[22m\n");
});

Deno.test("MarkdownStream holds a partial line too wide to redraw in place", () => {
  let out = "";
  const md = new MarkdownStream({ style: color, write: (t) => out += t, columns: 10 });
  md.push("0123456789abc");
  assert.equal(out, "");
  md.end();
  assert.equal(out, "0123456789abc\n");
});
