import assert from "node:assert/strict";
import { formatBytes, progressBar, PullProgress } from "../../lib/cli/progress_bar.ts";
import { createStyle } from "../../lib/cli/style.ts";

Deno.test("progressBar() fills its cells in proportion and clamps", () => {
  assert.equal(progressBar(0.25, 4), "█░░░");
  assert.equal(progressBar(2, 3), "███");
  assert.equal(progressBar(Number.NaN, 2), "░░");
});

Deno.test("formatBytes() writes sizes in decimal units", () => {
  assert.deepEqual([formatBytes(999), formatBytes(1500), formatBytes(27_100_000)], [
    "999 B",
    "1.5 kB",
    "27.1 MB",
  ]);
});

Deno.test("PullProgress sums the layers of an image pull", () => {
  const progress = new PullProgress(createStyle(false));
  progress.update({ image: "img", status: "Downloading", id: "a", current: 10, total: 100 });
  const line = progress.update({
    image: "img",
    status: "Downloading",
    id: "b",
    current: 40,
    total: 100,
  });
  assert.match(line, /^Pulling img \[█{8}░{22}\] 25% 50 B \/ 200 B$/);
  const done = progress.update({ image: "img", status: "Pull complete", id: "a" });
  assert.match(done, / 70% 140 B \/ 200 B$/);
});
