/**
 * Live output for a machine reader: a command that prints a line at a time would make a JSON
 * line per `write`; this joins a call's `tool_output` events per stream, so at most one goes
 * out every 100 ms (the first at once), and one at once when 64 KiB are waiting.
 *
 * @module
 */

import type { AgentEvent } from "../agent/events.ts";

/** A `tool_output` event. */
export type ToolOutputEvent = Extract<AgentEvent, { type: "tool_output" }>;

/** Options of {@linkcode OutputCoalescer}. */
export interface OutputCoalescerOptions {
  /** Least time between two events of one stream. Default 100 ms. */
  intervalMs?: number;
  /** UTF-8 bytes waiting that are passed on at once. Default 64 KiB. */
  maxBytes?: number;
}

interface Pending {
  id: string;
  stream: ToolOutputEvent["stream"];
  texts: string[];
  bytes: number;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Joins `tool_output` events per call and stream.
 *
 * @example
 * ```ts
 * import { OutputCoalescer } from "./output_coalescer.ts";
 * const out: string[] = [];
 * const joined = new OutputCoalescer((event) => out.push(event.text));
 * joined.push({ type: "tool_output", id: "c1", stream: "stdout", text: "a" });
 * joined.push({ type: "tool_output", id: "c1", stream: "stdout", text: "b" });
 * joined.push({ type: "tool_output", id: "c1", stream: "stdout", text: "c" });
 * joined.flush();
 * console.log(out); // ["a", "bc"]
 * ```
 */
export class OutputCoalescer {
  readonly #emit: (event: ToolOutputEvent) => void;
  readonly #intervalMs: number;
  readonly #maxBytes: number;
  readonly #pending = new Map<string, Pending>();

  /**
   * Creates an `OutputCoalescer`.
   * @param emit Receives the joined events.
   * @param options See {@linkcode OutputCoalescerOptions}.
   */
  constructor(emit: (event: ToolOutputEvent) => void, options: OutputCoalescerOptions = {}) {
    this.#emit = emit;
    this.#intervalMs = options.intervalMs ?? 100;
    this.#maxBytes = options.maxBytes ?? 64 * 1024;
  }

  /** Takes one event: passed on at once when its stream was quiet, else joined with the next. */
  push(event: ToolOutputEvent): void {
    const key = `${event.id}\0${event.stream}`;
    const entry = this.#pending.get(key);
    if (entry === undefined) {
      this.#emit({ type: "tool_output", id: event.id, stream: event.stream, text: event.text });
      this.#pending.set(key, {
        id: event.id,
        stream: event.stream,
        texts: [],
        bytes: 0,
        timer: this.#tick(key),
      });
      return;
    }
    entry.texts.push(event.text);
    entry.bytes += utf8Length(event.text);
    if (entry.bytes >= this.#maxBytes) this.#send(entry);
  }

  /** Passes on everything waiting, e.g. before the call's `tool_result`; stops the timers. */
  flush(): void {
    for (const entry of this.#pending.values()) {
      clearTimeout(entry.timer);
      this.#send(entry);
    }
    this.#pending.clear();
  }

  /** The timer of one stream's interval: what waits goes then, or the stream is quiet again. */
  #tick(key: string): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      const entry = this.#pending.get(key);
      if (entry === undefined) return;
      if (entry.texts.length === 0) {
        this.#pending.delete(key);
        return;
      }
      this.#send(entry);
      entry.timer = this.#tick(key);
    }, this.#intervalMs);
    Deno.unrefTimer(timer);
    return timer;
  }

  #send(entry: Pending): void {
    if (entry.texts.length === 0) return;
    const text = entry.texts.join("");
    entry.texts = [];
    entry.bytes = 0;
    this.#emit({ type: "tool_output", id: entry.id, stream: entry.stream, text });
  }
}

/** How many bytes `text` takes in UTF-8. */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Two bytes for U+0080..U+07FF, three up to U+FFFF; a surrogate pair's four are 2 + 2.
    if (code >= 0x80) bytes += code >= 0x800 && (code < 0xd800 || code > 0xdfff) ? 2 : 1;
  }
  return bytes;
}
