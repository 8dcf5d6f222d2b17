/**
 * Lines of a byte stream (piped stdin), one at a time, without their line ends.
 *
 * @module
 */

/**
 * Yields each line of `stream` (UTF-8; `\n` or `\r\n` ends a line). A last line
 * without an end is yielded too.
 *
 * @example
 * ```ts
 * import { readLines } from "./line_reader.ts";
 * const stream = ReadableStream.from([new TextEncoder().encode("a\r\nb")]);
 * for await (const line of readLines(stream)) console.log(line); // "a", then "b"
 * ```
 */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let pending = "";
  for await (const text of stream.pipeThrough(new TextDecoderStream())) {
    const lines = (pending + text).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) yield line.replace(/\r$/, "");
  }
  if (pending !== "") yield pending.replace(/\r$/, "");
}
