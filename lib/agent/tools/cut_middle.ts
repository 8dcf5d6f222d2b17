/**
 * Keeps a tool's output within a budget: the start and the end are kept, the
 * middle is replaced by a marker that says how much was left out.
 *
 * @module
 */

/** Characters of one tool result the model gets when no other limit is set. */
export const DEFAULT_TOOL_OUTPUT_LIMIT = 20_000;

/**
 * Cuts `text` to at most about `limit` characters, keeping its head and tail.
 *
 * @example
 * ```ts
 * import { cutMiddle } from "./cut_middle.ts";
 * console.log(cutMiddle("a".repeat(50) + "b".repeat(50), 20));
 * // "aaaaaaaaaa\n[... 80 characters left out ...]\nbbbbbbbbbb"
 * ```
 */
export function cutMiddle(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let head = Math.ceil(limit / 2);
  let tail = Math.floor(limit / 2);
  // Never split a surrogate pair (an emoji) in two.
  if (isHighSurrogate(text.charCodeAt(head - 1))) head--;
  if (isHighSurrogate(text.charCodeAt(text.length - tail - 1))) tail--;
  const omitted = text.length - head - tail;
  return `${text.slice(0, head)}\n[... ${omitted} characters left out ...]\n${
    text.slice(text.length - tail)
  }`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
