import assert from "node:assert/strict";
import { encodeFrame, FrameDecoder } from "../../lib/docker/mod.ts";

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("frames cut at every possible point decode to the same frames", () => {
  const bytes = new Uint8Array([
    ...encodeFrame(1, text("hello ")),
    ...encodeFrame(2, text("oops")),
    ...encodeFrame(1, text("world")),
  ]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const decoder = new FrameDecoder();
    const frames = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
    assert.deepEqual(
      frames.map((f) => [f.stream, new TextDecoder().decode(f.data)]),
      [[1, "hello "], [2, "oops"], [1, "world"]],
    );
    assert.equal(decoder.pendingBytes, 0);
  }
});

Deno.test("a frame larger than 64 KiB keeps its size from all four header bytes", () => {
  const big = new Uint8Array(300_000).fill(7);
  const [frame] = new FrameDecoder().push(encodeFrame(1, big));
  assert.equal(frame.data.length, 300_000);
});

Deno.test("an incomplete frame waits for the rest", () => {
  const decoder = new FrameDecoder();
  assert.deepEqual(decoder.push(encodeFrame(1, text("abc")).subarray(0, 9)), []);
  assert.equal(decoder.pendingBytes, 9);
});
