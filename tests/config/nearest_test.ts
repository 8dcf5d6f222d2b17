import assert from "node:assert/strict";
import { editDistance, nearest } from "../../lib/nearest.ts";

Deno.test("editDistance() counts a swap of neighbours as one edit", () => {
  assert.equal(editDistance("netwrok", "network"), 1);
  assert.equal(editDistance("memroy", "memory"), 1);
});

Deno.test("editDistance() counts insertions, deletions and substitutions", () => {
  assert.deepEqual(
    [editDistance("", "abc"), editDistance("abc", ""), editDistance("kitten", "sitting")],
    [3, 3, 3],
  );
});

Deno.test("nearest() ignores case and dashes for underscores", () => {
  assert.equal(nearest("Max-Steps", ["model", "max_steps"]), "max_steps");
});

Deno.test("nearest() gives nothing when no candidate is close", () => {
  assert.equal(nearest("colour", ["model", "image", "network"]), undefined);
});
