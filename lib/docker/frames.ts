/**
 * The multiplexed stream format of attach and exec without a TTY: each frame
 * is an 8-byte header (`[stream, 0, 0, 0, size as big-endian u32]`) and then
 * `size` bytes of that stream's output.
 *
 * @module
 */

/** Which stream a frame belongs to: 0 stdin, 1 stdout, 2 stderr. */
export type StreamId = 0 | 1 | 2;

/** One frame's payload and the stream it belongs to. */
export interface Frame {
  stream: StreamId;
  data: Uint8Array;
}

const HEADER_SIZE = 8;

/**
 * Turns the bytes of a multiplexed stream, cut anywhere, back into frames.
 *
 * @example
 * ```ts
 * import { FrameDecoder, encodeFrame } from "./frames.ts";
 * const bytes = encodeFrame(1, new TextEncoder().encode("hi"));
 * const decoder = new FrameDecoder();
 * const frames = [...decoder.push(bytes.subarray(0, 3)), ...decoder.push(bytes.subarray(3))];
 * console.log(frames.length); // 1
 * ```
 */
export class FrameDecoder {
  #pending: Uint8Array = new Uint8Array(0);

  /** Feeds more bytes; returns the frames they complete, in order. */
  push(chunk: Uint8Array): Frame[] {
    let buf = chunk;
    if (this.#pending.length > 0) {
      buf = new Uint8Array(this.#pending.length + chunk.length);
      buf.set(this.#pending);
      buf.set(chunk, this.#pending.length);
    }
    const frames: Frame[] = [];
    let offset = 0;
    while (buf.length - offset >= HEADER_SIZE) {
      const size = ((buf[offset + 4] << 24) >>> 0) + (buf[offset + 5] << 16) +
        (buf[offset + 6] << 8) + buf[offset + 7];
      if (buf.length - offset - HEADER_SIZE < size) break;
      const stream = buf[offset] as StreamId;
      frames.push({
        stream,
        data: buf.subarray(offset + HEADER_SIZE, offset + HEADER_SIZE + size),
      });
      offset += HEADER_SIZE + size;
    }
    // Copy the remainder so the caller's buffer can be reused.
    this.#pending = offset === buf.length ? new Uint8Array(0) : buf.slice(offset);
    return frames;
  }

  /** Bytes received that do not yet make a whole frame. */
  get pendingBytes(): number {
    return this.#pending.length;
  }
}

/** Builds one frame: used by tests and benchmarks to produce the engine's format. */
export function encodeFrame(stream: StreamId, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE + data.length);
  out[0] = stream;
  new DataView(out.buffer).setUint32(4, data.length);
  out.set(data, HEADER_SIZE);
  return out;
}
