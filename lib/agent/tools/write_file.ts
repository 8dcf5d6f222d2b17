/**
 * The `write_file` tool: creates or overwrites a file in the workspace.
 *
 * @module
 */

import { currentText, fileDiff } from "./file_diff.ts";
import { countLines } from "./lines.ts";
import type { Tool } from "./tool.ts";

/** Arguments of the `write_file` tool. */
export interface WriteFileArgs {
  /** Relative to the workspace (or absolute inside it). */
  path: string;
  /** The whole new content. */
  content: string;
}

/**
 * Creates or overwrites a file; parent folders are created.
 *
 * @example
 * ```ts
 * import { writeFileTool } from "./write_file.ts";
 * import { createRuntime } from "../../runtime/mod.ts";
 * await using runtime = await createRuntime({ docker: false });
 * console.log(await writeFileTool.run({ path: "a.txt", content: "hi\n" }, { runtime, timeoutMs: 30_000 }));
 * // "Wrote a.txt (1 line, 3 bytes)."
 * ```
 */
export const writeFileTool: Tool<WriteFileArgs> = {
  name: "write_file",
  description: "Create or overwrite a file in the workspace with the given content. " +
    "Parent folders are created. Paths are relative to the workspace.",
  parameters: {
    type: "object",
    properties: {
      path: { type: "string", minLength: 1, description: "The file's path in the workspace." },
      content: { type: "string", description: "The file's whole new content." },
    },
    required: ["path", "content"],
    additionalProperties: false,
  },
  async run(args, context) {
    await context.runtime.writeFile(args.path, args.content);
    const bytes = new TextEncoder().encode(args.content).length;
    const lines = countLines(args.content);
    return `Wrote ${args.path} (${lines} line${lines === 1 ? "" : "s"}, ${bytes} bytes).`;
  },
  async preview(args, context) {
    return fileDiff(args.path, await currentText(context.runtime, args.path), args.content);
  },
};
