import assert from "node:assert/strict";
import { cutMiddle } from "../../../lib/agent/mod.ts";

Deno.test("cutMiddle leaves a text within the limit as it is", () => {
  assert.equal(cutMiddle("short", 10), "short");
});

Deno.test("cutMiddle keeps the head and the tail and says how much was left out", () => {
  assert.equal(
    cutMiddle("a".repeat(50) + "b".repeat(50), 20),
    "aaaaaaaaaa\n[... 80 characters left out ...]\nbbbbbbbbbb",
  );
});

Deno.test("cutMiddle never splits an emoji in two", () => {
  const out = cutMiddle("🌍".repeat(10), 5);
  assert.equal(out, "🌍\n[... 16 characters left out ...]\n🌍");
});
