/**
 * Framed blocks for the terminal: a title row, body rows behind a rule, and a
 * footer; long bodies shortened with a note of how many lines were hidden.
 *
 * @module
 */

import type { Style } from "./style.ts";

/** What {@linkcode frame} draws. */
export interface FrameContent {
  /** The head row, e.g. "bash" and the command. */
  title: string;
  /** Body lines, already coloured as they should be. */
  body: string[];
  /** The foot row, e.g. "exit 0 · 0.12 s". */
  footer?: string;
  /** Draws the rules in red. */
  failed?: boolean;
}

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
 * Draws a framed block, one string ending in a newline.
 *
 * @example
 * ```ts
 * import { frame } from "./frame.ts";
 * import { createStyle } from "./style.ts";
 * const text = frame({ title: "bash  ls", body: ["a.txt"], footer: "exit 0" }, createStyle(false));
 * console.log(text); // "╭─ bash  ls\n│ a.txt\n╰─ exit 0\n"
 * ```
 */
export function frame(content: FrameContent, style: Style): string {
  const rule = content.failed ? style.red : style.dim;
  const rows = [`${rule("╭─")} ${content.title}`];
  for (const line of content.body) rows.push(`${rule("│")} ${line}`);
  rows.push(content.footer === undefined ? rule("╰─") : `${rule("╰─")} ${content.footer}`);
  return `${rows.join("\n")}\n`;
}
