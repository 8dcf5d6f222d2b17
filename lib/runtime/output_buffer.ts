/**
 * Bounded capture of one stream of a command's output: the first and last
 * bytes are kept, the middle is counted and dropped, so a flood of output
 * never piles up in memory. Also finds the end marker that the shell prints.
 *
 * @module
 */

const decoder = new TextDecoder();

/** Default bound of one call's output, both streams together: 1 MiB. */
export const DEFAULT_OUTPUT_LIMIT = 1024 * 1024;

/**
 * Keeps at most `limit` bytes of a stream: half from its start, half from its end.
 *
 * @example
 * ```ts
 * import { BoundedOutput } from "./output_buffer.ts";
 * const out = new BoundedOutput(8);
 * out.push(new TextEncoder().encode("0123456789abcdef"));
 * console.log(out.text()); // "0123\n[... 8 bytes omitted ...]\ncdef"
 * ```
 */
export class BoundedOutput {
  readonly #headLimit: number;
  readonly #head: Uint8Array[] = [];
  #headSize = 0;
  readonly #tailLimit: number;
  /** The last bytes, as a ring made when the head is full; `#tailWritten` counts all bytes past the head. */
  #ring: Uint8Array | undefined;
  #tailWritten = 0;

  /**
   * Creates a `BoundedOutput`.
   * @param limit Bytes kept in all; half from the start, half from the end.
   */
  constructor(limit: number) {
    this.#headLimit = Math.ceil(limit / 2);
    this.#tailLimit = Math.floor(limit / 2);
  }

  /** Appends bytes (copied: the caller may reuse `chunk`). */
  push(chunk: Uint8Array): void {
    const room = this.#headLimit - this.#headSize;
    if (room > 0 && chunk.length > 0) {
      const part = chunk.slice(0, room);
      this.#head.push(part);
      this.#headSize += part.length;
      chunk = chunk.subarray(part.length);
    }
    if (chunk.length === 0) return;
    const ring = this.#ring ??= new Uint8Array(this.#tailLimit);
    if (ring.length === 0) {
      this.#tailWritten += chunk.length;
      return;
    }
    // Only the last ring-full of the chunk can survive.
    const skipped = Math.max(0, chunk.length - ring.length);
    let at = (this.#tailWritten + skipped) % ring.length;
    let rest = chunk.subarray(skipped);
    while (rest.length > 0) {
      const n = Math.min(rest.length, ring.length - at);
      ring.set(rest.subarray(0, n), at);
      rest = rest.subarray(n);
      at = (at + n) % ring.length;
    }
    this.#tailWritten += chunk.length;
  }

  /** Bytes dropped from the middle so far. */
  get omittedBytes(): number {
    return Math.max(0, this.#tailWritten - this.#tailLimit);
  }

  /** The kept output as text, with a marker where the middle was dropped. */
  text(): string {
    const head = decoder.decode(concat(this.#head));
    const ring = this.#ring ?? new Uint8Array(0);
    const kept = Math.min(this.#tailWritten, ring.length);
    const start = ring.length ? (this.#tailWritten - kept) % ring.length : 0;
    const tail = concat([
      ring.subarray(start, Math.min(start + kept, ring.length)),
      ring.subarray(0, Math.max(0, start + kept - ring.length)),
    ]);
    const omitted = this.omittedBytes;
    if (omitted === 0) return head + decoder.decode(tail);
    return `${head}\n[... ${omitted} bytes omitted ...]\n${decoder.decode(tail)}`;
  }
}

/** Joins byte chunks into one array. */
export function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

/**
 * Position of `needle` in `haystack`, or -1. Boyer–Moore–Horspool: it skips
 * ahead by up to the needle's length, so output full of the marker's first
 * byte costs no more than any other.
 */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  const m = needle.length;
  if (m === 0) return 0;
  const skip = new Uint32Array(256).fill(m);
  for (let i = 0; i < m - 1; i++) skip[needle[i]] = m - 1 - i;
  const lastByte = needle[m - 1];
  for (let at = 0; at + m <= haystack.length; at += skip[haystack[at + m - 1]]) {
    if (haystack[at + m - 1] !== lastByte) continue;
    let j = m - 2;
    while (j >= 0 && haystack[at + j] === needle[j]) j--;
    if (j < 0) return at;
  }
  return -1;
}

/**
 * Captures a stream up to a marker: bytes before the marker go to a
 * {@linkcode BoundedOutput}, bytes after it are kept apart. The marker may
 * be split across chunks.
 */
export class MarkedStream {
  readonly output: BoundedOutput;
  readonly #marker: Uint8Array;
  readonly #onOutput: ((bytes: Uint8Array) => void) | undefined;
  #window: Uint8Array = new Uint8Array(0);
  #after: Uint8Array[] = [];
  #found = false;

  /**
   * Creates a `MarkedStream`.
   * @param marker The bytes that end the stream's output for this call.
   * @param limit Bytes of output kept (see {@linkcode BoundedOutput}).
   * @param onOutput Called with each piece of output as soon as it is known not to be part of
   *   the marker (all of it, kept or not), e.g. to show it live; the bytes are only valid
   *   during the call.
   */
  constructor(marker: Uint8Array, limit: number, onOutput?: (bytes: Uint8Array) => void) {
    this.#marker = marker;
    this.output = new BoundedOutput(limit);
    this.#onOutput = onOutput;
  }

  /** True once the marker has been seen. */
  get found(): boolean {
    return this.#found;
  }

  /** Bytes that came after the marker, as text. */
  get after(): string {
    return decoder.decode(this.afterBytes);
  }

  /** Bytes that came after the marker. */
  get afterBytes(): Uint8Array {
    return concat(this.#after);
  }

  /** Feeds a chunk of the stream. */
  push(chunk: Uint8Array): void {
    if (this.#found) {
      this.#after.push(chunk.slice());
      return;
    }
    const data = this.#window.length ? concat([this.#window, chunk]) : chunk;
    const at = indexOfBytes(data, this.#marker);
    if (at >= 0) {
      this.#commit(data.subarray(0, at));
      this.#after.push(data.slice(at + this.#marker.length));
      this.#window = new Uint8Array(0);
      this.#found = true;
      return;
    }
    // Hold back only what could be the start of a marker split across chunks: a line that
    // ends a chunk is output at once, not when the next chunk comes.
    const keep = markerStartAtEnd(data, this.#marker);
    this.#commit(data.subarray(0, data.length - keep));
    this.#window = keep ? data.slice(data.length - keep) : new Uint8Array(0);
  }

  /** Flushes held-back bytes when the stream ended without a marker. */
  end(): void {
    if (!this.#found) this.#commit(this.#window);
    this.#window = new Uint8Array(0);
  }

  #commit(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.output.push(bytes);
    this.#onOutput?.(bytes);
  }
}

/**
 * The length of the longest end of `data` that is a start of `marker` (shorter than the
 * whole marker): what a marker split across chunks could have begun with.
 */
function markerStartAtEnd(data: Uint8Array, marker: Uint8Array): number {
  for (let k = Math.min(marker.length - 1, data.length); k > 0; k--) {
    const from = data.length - k;
    if (data[from] !== marker[0]) continue;
    let j = 1;
    while (j < k && data[from + j] === marker[j]) j++;
    if (j === k) return k;
  }
  return 0;
}

/**
 * Turns one stream's bytes into text as they arrive, for `BashOptions.onOutput`: a
 * character split between two pieces is held until it is whole.
 *
 * @example
 * ```ts
 * import { LiveText } from "./output_buffer.ts";
 * const seen: string[] = [];
 * const live = new LiveText((text) => seen.push(text));
 * live.push(new Uint8Array([0x68, 0xc3]));
 * live.push(new Uint8Array([0xa9]));
 * console.log(seen); // ["h", "é"]
 * ```
 */
export class LiveText {
  readonly #decoder = new TextDecoder();
  readonly #onText: (text: string) => void;

  /**
   * Creates a `LiveText`.
   * @param onText Receives each piece of text (never an empty one).
   */
  constructor(onText: (text: string) => void) {
    this.#onText = onText;
  }

  /** Decodes `bytes`, passing on what is whole. */
  push(bytes: Uint8Array): void {
    const text = this.#decoder.decode(bytes, { stream: true });
    if (text) this.#onText(text);
  }

  /** The stream ended: an incomplete character left over is passed on as U+FFFD. */
  end(): void {
    const text = this.#decoder.decode();
    if (text) this.#onText(text);
  }
}
