/**
 * Framed blocks for the terminal: a head row, body rows behind a rule, and a
 * foot row; long bodies shortened with a note of how many lines were hidden.
 *
 * @module
 */

import type { Style } from "./style.ts";

/**
 * Shortens `lines` to at most `head + tail + 1` lines: the first `head`, a
 * note saying how many were hidden, the last `tail`.
 *
 * @example
 * ```ts
 * import { shortenLines } from "./frame.ts";
 * const lines = Array.from({ length: 30 }, (_, i) => `${i}`);
 * console.log(shortenLines(lines, 2, 1)); // ["0", "1", "… 27 more lines hidden", "29"]
 * ```
 */
export function shortenLines(lines: string[], head: number, tail: number): string[] {
  if (lines.length <= head + tail + 1) return lines;
  const hidden = lines.length - head - tail;
  return [...lines.slice(0, head), `… ${hidden} more lines hidden`, ...lines.slice(-tail)];
}

/**
 * Cuts `line` to `width` characters, ending it with "…" when cut.
 *
 * @example
 * ```ts
 * import { clipLine } from "./frame.ts";
 * console.log(clipLine("abcdef", 4)); // "abc…"
 * ```
 */
export function clipLine(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, Math.max(0, width - 1)).join("")}…`;
}

/**
 * How many terminal columns `text` may take: a character beyond ASCII counts as
 * two (it may be wide), a rough rule that errs on the short side, never overflows.
 *
 * @example
 * ```ts
 * import { displayWidth } from "./frame.ts";
 * console.log(displayWidth("ab✓")); // 4
 * ```
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += ch.charCodeAt(0) > 0x7f ? 2 : 1;
  return width;
}

/**
 * The head row of a framed block, drawn when a tool call starts.
 *
 * @example
 * ```ts
 * import { frameHead } from "./frame.ts";
 * import { createStyle } from "./style.ts";
 * console.log(frameHead("$ ls", createStyle(false))); // "╭─ $ ls\n"
 * ```
 */
export function frameHead(title: string, style: Style): string {
  return `${style.dim("╭─")} ${title}\n`;
}

/**
 * The body rows and the foot row of a framed block, drawn when the tool call
 * ends; the rules are red when it failed.
 *
 * @example
 * ```ts
 * import { frameBody } from "./frame.ts";
 * import { createStyle } from "./style.ts";
 * console.log(frameBody(["a.txt"], "exit 0", false, createStyle(false))); // "│ a.txt\n╰─ exit 0\n"
 * ```
 */
export function frameBody(body: string[], footer: string, failed: boolean, style: Style): string {
  const rule = failed ? style.red : style.dim;
  return `${body.map((line) => `${rule("│")} ${line}\n`).join("")}${rule("╰─")} ${footer}\n`;
}
