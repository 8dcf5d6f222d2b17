import assert from "node:assert/strict";
import { colorWanted, createStyle, visibleLength } from "../../lib/cli/style.ts";

const terminal = { isTerminal: () => true };
const pipe = { isTerminal: () => false };

Deno.test("colorWanted() is true only on a terminal without NO_COLOR", () => {
  assert.equal(colorWanted(terminal, () => undefined), true);
  assert.equal(colorWanted(terminal, (n) => n === "NO_COLOR" ? "1" : undefined), false);
  assert.equal(colorWanted(terminal, () => ""), true);
  assert.equal(colorWanted(pipe, () => undefined), false);
});

Deno.test("createStyle(false) adds no escape codes", () => {
  const style = createStyle(false);
  assert.equal(style.red(style.bold("x")), "x");
});

Deno.test("visibleLength() ignores escape codes", () => {
  const style = createStyle(true);
  assert.equal(visibleLength(style.red(style.bold("héllo"))), 5);
});
