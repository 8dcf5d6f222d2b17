/**
 * Microbenchmarks of the exec stream's framing and the shell's output capture
 * (issue #7): decoding the engine's multiplexed frames cut at various sizes,
 * encoding frames, and the end-marker search and bounded capture of
 * `MarkedStream` and `BoundedOutput` on 64 KiB chunks.
 *
 * ```sh
 * deno bench -A bench/frames_bench.ts
 * ```
 *
 * Sizes are in the names, so time per iteration converts to throughput:
 * 1 MiB in 1 ms is 1 GiB/s.
 *
 * @module
 */

import { encodeFrame, FrameDecoder, type StreamId } from "../lib/docker/frames.ts";
import { BoundedOutput, concat, MarkedStream } from "../lib/runtime/output_buffer.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
const encoder = new TextEncoder();

/** `total` bytes of output as the engine sends it: frames of `frameSize`, stdout and stderr mixed. */
function multiplexed(total: number, frameSize: number): Uint8Array {
  const frames: Uint8Array[] = [];
  const payload = new Uint8Array(frameSize).fill(0x61);
  for (let sent = 0, i = 0; sent < total; sent += frameSize, i++) {
    const stream: StreamId = i % 8 === 7 ? 2 : 1;
    frames.push(encodeFrame(stream, payload.subarray(0, Math.min(frameSize, total - sent))));
  }
  return concat(frames);
}

/** `bytes` cut into reads of `size`, as `conn.read` hands them over. */
function cut(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

function decodeAll(chunks: Uint8Array[]): number {
  const decoder = new FrameDecoder();
  let payload = 0;
  for (const chunk of chunks) {
    for (const frame of decoder.push(chunk)) payload += frame.data.length;
  }
  if (!decoder.atBoundary) throw new Error("a frame was left undecoded");
  return payload;
}

// --- FrameDecoder: 1 MiB in 32 KiB frames (what the engine sends for a flood of output).

const typical = multiplexed(MiB, 32 * KiB);
for (
  const [label, size, baseline] of [
    ["64 KiB reads (Pygent's read buffer)", 64 * KiB, true],
    ["the whole buffer in one read (no frame cut)", typical.length, false],
    ["4 KiB reads", 4 * KiB, false],
    ["1460 B reads (one TCP segment)", 1460, false],
    ["16 B reads (headers split)", 16, false],
  ] as const
) {
  const chunks = cut(typical, size);
  Deno.bench({
    name: `decode 1 MiB of 32 KiB frames, ${label}`,
    group: "FrameDecoder, 32 KiB frames",
    baseline,
    fn: () => {
      decodeAll(chunks);
    },
  });
}

// --- FrameDecoder: many small frames (line-by-line output).

const small = multiplexed(MiB, 100);
Deno.bench({
  name: "decode 1 MiB of 100 B frames, 64 KiB reads",
  group: "FrameDecoder, small frames",
  baseline: true,
  fn: () => {
    decodeAll(cut(small, 64 * KiB));
  },
});
Deno.bench({
  name: "decode 1 MiB of 100 B frames, 1460 B reads",
  group: "FrameDecoder, small frames",
  fn: () => {
    decodeAll(cut(small, 1460));
  },
});

// --- FrameDecoder: one frame larger than a read. The engine's frames stay at or under
// 32 KiB today, but the decoder re-copies what it holds on every read until the frame is
// whole, so its cost grows with the square of the frame's size.

for (const frameSize of [256 * KiB, MiB]) {
  const big = multiplexed(frameSize, frameSize);
  const chunks = cut(big, 64 * KiB);
  Deno.bench({
    name: `decode one ${frameSize / KiB} KiB frame, 64 KiB reads`,
    group: "FrameDecoder, one frame larger than a read",
    baseline: frameSize === 256 * KiB,
    fn: () => {
      decodeAll(chunks);
    },
  });
}

// --- encodeFrame.

for (const size of [16, 4 * KiB, 32 * KiB]) {
  const payload = new Uint8Array(size).fill(0x61);
  Deno.bench({
    name: `encode one frame of ${size >= KiB ? `${size / KiB} KiB` : `${size} B`}`,
    group: "encodeFrame",
    baseline: size === 16,
    fn: () => {
      encodeFrame(1, payload);
    },
  });
}

// --- MarkedStream: 5 MB of output in 64 KiB chunks, then the end marker, as the shell
// captures one stream of one call (the default limit keeps 512 KiB per stream).

const MARKER = encoder.encode("0123456789abcdef0123456789abcdef:");
const STREAM_LIMIT = 512 * KiB;
const FIVE_MB = 5_000_000;

/** 5 MB whose bytes are `fill` repeated, cut in 64 KiB chunks, with the marker at the end. */
function markedOutput(fill: string): Uint8Array[] {
  const pattern = encoder.encode(fill);
  const bytes = new Uint8Array(FIVE_MB + MARKER.length + 3);
  for (let i = 0; i < FIVE_MB; i++) bytes[i] = pattern[i % pattern.length];
  bytes.set(MARKER, FIVE_MB);
  bytes.set(encoder.encode("0\n"), FIVE_MB + MARKER.length);
  return cut(bytes, 64 * KiB);
}

for (
  const [label, fill, baseline] of [
    ["bytes never like the marker's first ('a')", "a", true],
    ["hex text (1 byte in 16 like the marker's first)", "0123456789abcdef\n", false],
    ["the marker's first byte repeated ('0')", "0", false],
    ["the marker's first 8 bytes repeated", "01234567", false],
  ] as const
) {
  const chunks = markedOutput(fill);
  Deno.bench({
    name: `MarkedStream 5 MB in 64 KiB chunks: ${label}`,
    group: "MarkedStream",
    baseline,
    fn: () => {
      const stream = new MarkedStream(MARKER, STREAM_LIMIT);
      for (const chunk of chunks) stream.push(chunk);
      if (!stream.found) throw new Error("marker not found");
    },
  });
}

// --- BoundedOutput alone: the head and tail kept, the middle counted and dropped.

const flood = cut(new Uint8Array(FIVE_MB).fill(0x61), 64 * KiB);
Deno.bench({
  name: "BoundedOutput 5 MB in 64 KiB chunks, then text()",
  group: "BoundedOutput",
  baseline: true,
  fn: () => {
    const out = new BoundedOutput(STREAM_LIMIT);
    for (const chunk of flood) out.push(chunk);
    out.text();
  },
});
const trickle = cut(new Uint8Array(FIVE_MB).fill(0x61), 100);
Deno.bench({
  name: "BoundedOutput 5 MB in 100 B chunks, then text()",
  group: "BoundedOutput",
  fn: () => {
    const out = new BoundedOutput(STREAM_LIMIT);
    for (const chunk of trickle) out.push(chunk);
    out.text();
  },
});
const short = [encoder.encode("hello\n")];
Deno.bench({
  name: "BoundedOutput one short line, then text()",
  group: "BoundedOutput",
  fn: () => {
    const out = new BoundedOutput(STREAM_LIMIT);
    for (const chunk of short) out.push(chunk);
    out.text();
  },
});
