/**
 * The `read_file` tool: reads a file of the workspace, whole or a range of lines.
 *
 * @module
 */

import { countLines } from "./lines.ts";
import { type Tool, ToolError } from "./tool.ts";

/** Arguments of the `read_file` tool. */
export interface ReadFileArgs {
  /** Relative to the workspace (or absolute inside it). */
  path: string;
  /** First line to read, from 1. Default 1. */
  start_line?: number;
  /** Last line to read, inclusive. Default: the last line. */
  end_line?: number;
}

/**
 * Reads a file as text, or the lines `start_line` to `end_line` (1-based, inclusive).
 *
 * @example
 * ```ts
 * import { readFileTool } from "./read_file.ts";
 * import { createRuntime } from "../../runtime/mod.ts";
 * await using runtime = await createRuntime({ docker: false });
 * await runtime.writeFile("a.txt", "one\ntwo\nthree\n");
 * console.log(await readFileTool.run({ path: "a.txt", start_line: 2, end_line: 2 }, { runtime, timeoutMs: 30_000 }));
 * // "[lines 2-2 of 3]\ntwo\n"
 * ```
 */
export const readFileTool: Tool<ReadFileArgs> = {
  name: "read_file",
  description: "Read a text file of the workspace, whole or from start_line to end_line " +
    "(1-based, inclusive). Prefer ranges for large files.",
  parameters: {
    type: "object",
    properties: {
      path: { type: "string", minLength: 1, description: "The file's path in the workspace." },
      start_line: { type: "integer", minimum: 1, description: "First line to read (from 1)." },
      end_line: { type: "integer", minimum: 1, description: "Last line to read, inclusive." },
    },
    required: ["path"],
    additionalProperties: false,
  },
  async run(args, context) {
    const text = await context.runtime.readFile(args.path);
    if (args.start_line === undefined && args.end_line === undefined) return text;
    const total = countLines(text);
    const start = args.start_line ?? 1;
    const end = Math.min(args.end_line ?? total, total);
    if (start > total) {
      throw new ToolError(`${args.path} has ${total} lines; start_line ${start} is past its end.`);
    }
    if (end < start) throw new ToolError(`end_line ${end} comes before start_line ${start}.`);
    const lines = text.split("\n").slice(start - 1, end).join("\n");
    const newline = end < total || text.endsWith("\n") ? "\n" : "";
    return `[lines ${start}-${end} of ${total}]\n${lines}${newline}`;
  },
};
