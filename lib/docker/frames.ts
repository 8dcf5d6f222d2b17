/**
 * The multiplexed stream format of attach and exec without a TTY: each frame
 * is an 8-byte header (`[stream, 0, 0, 0, size as big-endian u32]`) and then
 * `size` bytes of that stream's output.
 *
 * @module
 */

/** Which stream a frame belongs to: 0 stdin, 1 stdout, 2 stderr. */
export type StreamId = 0 | 1 | 2;

/** Output of one stream: a frame's payload, or the part of it that has arrived. */
export interface Frame {
  stream: StreamId;
  data: Uint8Array;
}

const HEADER_SIZE = 8;

/**
 * Turns the bytes of a multiplexed stream, cut anywhere, back into each
 * stream's output. A payload is passed on as soon as its bytes arrive (a big
 * frame over many reads comes out in pieces), so nothing is buffered or
 * copied: the pieces are views of the chunks given to {@linkcode push}.
 *
 * @example
 * ```ts
 * import { FrameDecoder, encodeFrame } from "./frames.ts";
 * const bytes = encodeFrame(1, new TextEncoder().encode("hi"));
 * const decoder = new FrameDecoder();
 * const pieces = [...decoder.push(bytes.subarray(0, 3)), ...decoder.push(bytes.subarray(3))];
 * console.log(pieces.length, decoder.atBoundary); // 1 true
 * ```
 */
export class FrameDecoder {
  readonly #header = new Uint8Array(HEADER_SIZE);
  readonly #headerView = new DataView(this.#header.buffer);
  #headerFilled = 0;
  #stream: StreamId = 1;
  #remaining = 0;

  /** Feeds more bytes; returns the output they carry, in order. */
  push(chunk: Uint8Array): Frame[] {
    const out: Frame[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.#remaining === 0 && this.#headerFilled === 0 && chunk.length - i >= HEADER_SIZE) {
        // The whole header is in this chunk: read it in place.
        this.#stream = chunk[i] as StreamId;
        this.#remaining = ((chunk[i + 4] << 24) >>> 0) + (chunk[i + 5] << 16) +
          (chunk[i + 6] << 8) + chunk[i + 7];
        i += HEADER_SIZE;
        continue;
      }
      if (this.#remaining === 0) {
        const take = Math.min(HEADER_SIZE - this.#headerFilled, chunk.length - i);
        this.#header.set(chunk.subarray(i, i + take), this.#headerFilled);
        this.#headerFilled += take;
        i += take;
        if (this.#headerFilled < HEADER_SIZE) break;
        this.#headerFilled = 0;
        this.#stream = this.#header[0] as StreamId;
        this.#remaining = this.#headerView.getUint32(4);
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - i);
      out.push({ stream: this.#stream, data: chunk.subarray(i, i + take) });
      this.#remaining -= take;
      i += take;
    }
    return out;
  }

  /** True when every frame fed so far is complete. */
  get atBoundary(): boolean {
    return this.#remaining === 0 && this.#headerFilled === 0;
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
