/**
 * What a running call has printed so far, kept by the agent from the call's live output, so
 * that a call stopped before it returns (a cancel, a sandbox that fails mid-command) still
 * gives the model, the history and the screen what it printed.
 *
 * @module
 */

import type { OutputChunk } from "../runtime/mod.ts";

/**
 * One stream's text, bounded: the first `limit` characters and the last `limit` are kept, the
 * middle is counted and dropped.
 */
class BoundedText {
  readonly #limit: number;
  #head = "";
  #tail: string[] = [];
  #tailLength = 0;
  #dropped = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  push(text: string): void {
    const room = this.#limit - this.#head.length;
    if (room > 0) {
      this.#head += text.slice(0, room);
      text = text.slice(room);
    }
    if (text === "") return;
    this.#tail.push(text);
    this.#tailLength += text.length;
    if (this.#tailLength > 2 * this.#limit) {
      const joined = this.#tail.join("");
      const kept = joined.slice(joined.length - this.#limit);
      this.#dropped += joined.length - kept.length;
      this.#tail = [kept];
      this.#tailLength = kept.length;
    }
  }

  text(): string {
    const tail = this.#tail.join("");
    if (this.#dropped === 0) return this.#head + tail;
    return `${this.#head}\n[... ${this.#dropped} characters left out ...]\n${tail}`;
  }
}

/**
 * Collects a call's output as it arrives, per stream, and words it as the `bash` tool words a
 * result: stdout, then stderr after `[stderr]`, then why it stopped.
 *
 * @example
 * ```ts
 * import { OutputSoFar } from "./output_so_far.ts";
 * const so = new OutputSoFar(20_000);
 * so.push({ stream: "stdout", text: "tick 1\n" });
 * console.log(so.stopped(2.4, "the user cancelled the step"));
 * // "tick 1\n[stopped after 2.4 s: the user cancelled the step]"
 * ```
 */
export class OutputSoFar {
  readonly #stdout: BoundedText;
  readonly #stderr: BoundedText;
  #any = false;

  /**
   * Creates an `OutputSoFar`.
   * @param limit Characters kept of each stream's start, and of its end.
   */
  constructor(limit: number) {
    this.#stdout = new BoundedText(limit);
    this.#stderr = new BoundedText(limit);
  }

  /** True once some output has come. */
  get any(): boolean {
    return this.#any;
  }

  /** Adds a chunk of live output. */
  push(chunk: OutputChunk): void {
    if (chunk.text === "") return;
    this.#any = true;
    (chunk.stream === "stdout" ? this.#stdout : this.#stderr).push(chunk.text);
  }

  /**
   * The output so far, then `[stopped after N s: WHY]`.
   * @param seconds How long the call ran.
   * @param why Why it stopped, without a final period.
   */
  stopped(seconds: number, why: string): string {
    const parts: string[] = [];
    const stdout = this.#stdout.text();
    const stderr = this.#stderr.text();
    if (stdout) parts.push(stdout.replace(/\n$/, ""));
    if (stderr) parts.push(`[stderr]\n${stderr.replace(/\n$/, "")}`);
    parts.push(`[stopped after ${seconds.toFixed(1)} s: ${why}]`);
    return parts.join("\n");
  }
}
