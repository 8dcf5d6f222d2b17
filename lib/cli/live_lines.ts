/**
 * The last lines of a running command's output, as its frame shows them while it runs:
 * stdout and stderr in arrival order, each line {@linkcode sanitize}d, a line redrawn with
 * `\r` (a progress counter) showing what a terminal would end with, as in the final view.
 *
 * @module
 */

import { sanitize } from "./sanitize.ts";

/** One row of live output. */
export interface LiveRow {
  /** The stream that printed it. */
  stream: "stdout" | "stderr";
  /** The line, sanitized; a line not yet ended shows what it has so far. */
  text: string;
}

/** Characters kept of a line that has not ended: more than any terminal row shows. */
const PARTIAL_LIMIT = 4096;

/**
 * Keeps the last `max` lines of a command's output.
 *
 * @example
 * ```ts
 * import { LiveLines } from "./live_lines.ts";
 * const lines = new LiveLines(2);
 * lines.push("stdout", "one\ntwo\nthr");
 * lines.push("stdout", "ee 10%\rthree 100%");
 * console.log(lines.rows().map((row) => row.text)); // ["two", "three 100%"]
 * ```
 */
export class LiveLines {
  readonly #max: number;
  #lines: LiveRow[] = [];
  readonly #partial = { stdout: "", stderr: "" };

  /**
   * Creates a `LiveLines`.
   * @param max Rows kept and shown. Default 20.
   */
  constructor(max = 20) {
    this.#max = max;
  }

  /** Adds a piece of output, as it came (split anywhere, control characters included). */
  push(stream: LiveRow["stream"], text: string): void {
    const parts = (this.#partial[stream] + text).split("\n");
    const partial = parts.pop() ?? "";
    for (const line of parts.slice(-this.#max)) {
      this.#lines.push({ stream, text: sanitize(line) });
    }
    if (this.#lines.length > this.#max) this.#lines = this.#lines.slice(-this.#max);
    this.#partial[stream] = redrawn(partial);
  }

  /** The rows to show: the last lines, then the lines not yet ended. */
  rows(): LiveRow[] {
    const rows = [...this.#lines];
    for (const stream of ["stdout", "stderr"] as const) {
      const text = sanitize(this.#partial[stream]);
      if (text !== "") rows.push({ stream, text });
    }
    return rows.slice(-this.#max);
  }
}

/**
 * A line not yet ended, as short as what it shows: what follows its last `\r` (or, when
 * nothing does yet, what came before it, and the `\r`), at most {@linkcode PARTIAL_LIMIT}.
 */
function redrawn(line: string): string {
  if (line.includes("\r")) {
    const parts = line.split("\r");
    const last = parts.pop() ?? "";
    if (last !== "") line = last;
    else line = `${parts.filter((part) => part !== "").pop() ?? ""}\r`;
  }
  return line.length > PARTIAL_LIMIT ? line.slice(0, PARTIAL_LIMIT) : line;
}
