/**
 * Counting the lines of a text, as the file tools report them.
 *
 * @module
 */

/**
 * Lines of a text, counting a last line without a newline.
 *
 * @example
 * ```ts
 * import { countLines } from "./lines.ts";
 * console.log(countLines("a\nb"), countLines("a\nb\n"), countLines("")); // 2 2 0
 * ```
 */
export function countLines(text: string): number {
  if (text === "") return 0;
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") ? newlines : newlines + 1;
}
