/**
 * Markdown for the terminal, rendered as it streams: code blocks, headings,
 * lists, quotes, bold, italic, inline code and links. Each line is shown raw as
 * it arrives and redrawn, rendered, once it is complete.
 *
 * @module
 */

import { displayWidth } from "./frame.ts";
import type { Style } from "./style.ts";

/** Where one line of Markdown stands: inside a fenced code block or not. */
interface BlockState {
  /** The fence that opened the current code block (```` ``` ```` or `~~~`), if inside one. */
  fence: string | undefined;
}

const FENCE = /^\s*(`{3,}|~{3,})\s*([^`\s]*)/;

/**
 * Renders inline Markdown: `` `code` ``, `**bold**`, `__bold__`, `*italic*` and `[text](url)`.
 *
 * @example
 * ```ts
 * import { renderInline } from "./markdown.ts";
 * import { createStyle } from "./style.ts";
 * console.log(renderInline("**run** `ls`", createStyle(false))); // "run ls"
 * ```
 */
export function renderInline(text: string, style: Style): string {
  const parts = text.split(/(`[^`]+`)/);
  return parts.map((part, i) => {
    if (i % 2 === 1) return style.cyan(part.slice(1, -1));
    return part
      .replace(
        /\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__/g,
        (_, a, b) => style.bold(a ?? b),
      )
      .replace(/(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])/g, (_, a) => style.italic(a))
      .replace(
        /\[([^\]]+)\]\(([^)\s]+)\)/g,
        (_, label, url) => `${label} ${style.dim(`(${url})`)}`,
      );
  }).join("");
}

/** Renders one complete line, updating `state` when it opens or closes a code block. */
function renderLine(line: string, state: BlockState, style: Style): string {
  const fence = FENCE.exec(line);
  if (state.fence !== undefined) {
    if (fence && fence[1][0] === state.fence[0] && fence[1].length >= state.fence.length) {
      state.fence = undefined;
      return style.dim("  └──");
    }
    return `  ${style.dim("│")} ${style.cyan(line)}`;
  }
  if (fence) {
    state.fence = fence[1];
    return style.dim(`  ┌── ${fence[2]}`.trimEnd());
  }
  let m: RegExpExecArray | null;
  if ((m = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line))) {
    return style.bold(renderInline(m[2], style));
  }
  if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) return style.dim("─".repeat(40));
  if ((m = /^(\s*)[-*+]\s+(.*)$/.exec(line))) {
    return `${m[1]}${style.dim("•")} ${renderInline(m[2], style)}`;
  }
  if ((m = /^(\s*)(\d+[.)])\s+(.*)$/.exec(line))) {
    return `${m[1]}${style.dim(m[2])} ${renderInline(m[3], style)}`;
  }
  if ((m = /^\s*>\s?(.*)$/.exec(line))) {
    return `${style.dim("│")} ${style.italic(renderInline(m[1], style))}`;
  }
  return renderInline(line, style);
}

/**
 * Renders a whole Markdown text for the terminal.
 *
 * @example
 * ```ts
 * import { renderMarkdown } from "./markdown.ts";
 * import { createStyle } from "./style.ts";
 * console.log(renderMarkdown("- one\n- two", createStyle(false))); // "• one\n• two"
 * ```
 */
export function renderMarkdown(text: string, style: Style): string {
  const state: BlockState = { fence: undefined };
  return text.split("\n").map((line) => renderLine(line, state, style)).join("\n");
}

/** Options of {@linkcode MarkdownStream}. */
export interface MarkdownStreamOptions {
  /** Colours; with colour off, text passes through unchanged. */
  style: Style;
  /** Writes to the terminal. */
  write: (text: string) => void;
  /** Terminal width; a partial line is shown raw only while it fits. Default 80. */
  columns?: number;
}

/**
 * Markdown rendered as it streams. With colour on (a terminal), each line is
 * echoed raw as it arrives, while it fits on one row, and redrawn rendered when
 * its newline comes. With colour off, text passes through unchanged, so pipes
 * and logs get the model's own Markdown.
 *
 * @example
 * ```ts
 * import { MarkdownStream } from "./markdown.ts";
 * import { createStyle } from "./style.ts";
 * let out = "";
 * const md = new MarkdownStream({ style: createStyle(false), write: (t) => out += t });
 * md.push("**Hi**");
 * md.end();
 * console.log(out); // "**Hi**\n"
 * ```
 */
export class MarkdownStream {
  readonly #style: Style;
  readonly #write: (text: string) => void;
  readonly #columns: number;
  readonly #state: BlockState = { fence: undefined };
  #line = "";
  #echoed = 0;
  #wroteAny = false;
  /** Pass-through only: the last text written did not end its line. */
  #openLine = false;

  /**
   * Creates a `MarkdownStream`.
   * @param options See {@linkcode MarkdownStreamOptions}.
   */
  constructor(options: MarkdownStreamOptions) {
    this.#style = options.style;
    this.#write = options.write;
    this.#columns = options.columns ?? 80;
  }

  /** True once any text has been written. */
  get started(): boolean {
    return this.#wroteAny;
  }

  /** Adds streamed text. */
  push(delta: string): void {
    if (delta === "") return;
    this.#wroteAny = true;
    if (!this.#style.enabled) {
      this.#openLine = !delta.endsWith("\n");
      this.#write(delta);
      return;
    }
    const lines = (this.#line + delta).split("\n");
    this.#line = lines.pop() ?? "";
    for (const line of lines) this.#finishLine(line);
    this.#echo();
  }

  /** Renders what is left and ends the text with a newline (when there was any). */
  end(): void {
    if (!this.#wroteAny) return;
    if (!this.#style.enabled) {
      if (this.#openLine) this.#write("\n");
    } else if (this.#line !== "" || this.#echoed > 0) {
      this.#finishLine(this.#line);
    }
    this.#line = "";
    this.#echoed = 0;
    this.#wroteAny = false;
    this.#openLine = false;
    this.#state.fence = undefined;
  }

  #finishLine(line: string): void {
    const erase = this.#echoed > 0 ? "\r\x1b[2K" : "";
    this.#echoed = 0;
    this.#write(`${erase}${renderLine(line, this.#state, this.#style)}\n`);
  }

  /** Echoes the raw partial line while it fits on one row (wide characters counted as two). */
  #echo(): void {
    if (displayWidth(this.#line) >= this.#columns - 1 || this.#line.length <= this.#echoed) return;
    this.#write(this.#line.slice(this.#echoed));
    this.#echoed = this.#line.length;
  }
}
