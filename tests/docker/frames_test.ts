import assert from "node:assert/strict";
import { encodeFrame, type Frame, FrameDecoder } from "../../lib/docker/mod.ts";

const text = (s: string) => new TextEncoder().encode(s);

/** Joins consecutive pieces of the same stream, as a reader of the output sees them. */
function joined(pieces: Frame[]): [number, string][] {
  const out: [number, string][] = [];
  for (const { stream, data } of pieces) {
    const text = new TextDecoder().decode(data);
    if (out.length && out.at(-1)![0] === stream) out.at(-1)![1] += text;
    else out.push([stream, text]);
  }
  return out;
}

Deno.test("frames cut at every possible point decode to the same output", () => {
  const bytes = new Uint8Array([
    ...encodeFrame(1, text("hello ")),
    ...encodeFrame(2, text("oops")),
    ...encodeFrame(1, text("world")),
  ]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const decoder = new FrameDecoder();
    const frames = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))];
    assert.deepEqual(joined(frames), [[1, "hello "], [2, "oops"], [1, "world"]]);
    assert.equal(decoder.atBoundary, true);
  }
});

Deno.test("a frame larger than 64 KiB keeps its size from all four header bytes", () => {
  const big = new Uint8Array(300_000).fill(7);
  const [frame] = new FrameDecoder().push(encodeFrame(1, big));
  assert.equal(frame.data.length, 300_000);
});

Deno.test("a payload is passed on as its bytes arrive, before the frame is complete", () => {
  const decoder = new FrameDecoder();
  const frame = encodeFrame(2, text("abcdef"));
  assert.deepEqual(joined(decoder.push(frame.subarray(0, 10))), [[2, "ab"]]);
  assert.equal(decoder.atBoundary, false);
  assert.deepEqual(joined(decoder.push(frame.subarray(10))), [[2, "cdef"]]);
  assert.equal(decoder.atBoundary, true);
});

Deno.test("an empty frame yields nothing and keeps the stream in step", () => {
  const bytes = new Uint8Array([...encodeFrame(1, new Uint8Array()), ...encodeFrame(2, text("x"))]);
  assert.deepEqual(joined(new FrameDecoder().push(bytes)), [[2, "x"]]);
});
