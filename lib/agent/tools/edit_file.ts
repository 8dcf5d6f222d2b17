/**
 * The `edit_file` tool: replaces one exact, unique occurrence of a text in a
 * file, and leaves the file untouched when that text is absent or not unique.
 *
 * @module
 */

import { fileDiff } from "./file_diff.ts";
import { type Tool, ToolError } from "./tool.ts";

/** Arguments of the `edit_file` tool. */
export interface EditFileArgs {
  /** Relative to the workspace (or absolute inside it). */
  path: string;
  /** The exact text to replace; it must occur exactly once. */
  old: string;
  /** The text to put in its place. */
  new: string;
}

/**
 * Replaces `old` with `new` in a file, when `old` occurs exactly once.
 *
 * @example
 * ```ts
 * import { editFileTool } from "./edit_file.ts";
 * import { createRuntime } from "../../runtime/mod.ts";
 * await using runtime = await createRuntime({ docker: false });
 * await runtime.writeFile("a.py", "print(1)\n");
 * await editFileTool.run({ path: "a.py", old: "1", new: "2" }, { runtime, timeoutMs: 30_000 });
 * console.log(await runtime.readFile("a.py")); // "print(2)\n"
 * ```
 */
export const editFileTool: Tool<EditFileArgs> = {
  name: "edit_file",
  description: "Replace one exact occurrence of `old` with `new` in a file of the workspace. " +
    "`old` must match the file's text exactly (spaces and newlines included) and occur " +
    "exactly once; include surrounding lines to make it unique. Otherwise nothing changes.",
  parameters: {
    type: "object",
    properties: {
      path: { type: "string", minLength: 1, description: "The file's path in the workspace." },
      old: { type: "string", minLength: 1, description: "The exact text to replace." },
      new: { type: "string", description: "The replacement text." },
    },
    required: ["path", "old", "new"],
    additionalProperties: false,
  },
  async run(args, context) {
    const text = await context.runtime.readFile(args.path);
    const { edited, line } = applyEdit(text, args);
    await context.runtime.writeFile(args.path, edited);
    return `Edited ${args.path} at line ${line}.`;
  },
  async preview(args, context) {
    const text = await context.runtime.readFile(args.path);
    return fileDiff(args.path, text, applyEdit(text, args).edited);
  },
};

/** The file's text with the one occurrence of `old` replaced, and the line the change starts on. */
function applyEdit(text: string, args: EditFileArgs): { edited: string; line: number } {
  const first = text.indexOf(args.old);
  if (first < 0) {
    throw new ToolError(
      `The text to replace was not found in ${args.path}; the file is unchanged. ` +
        "Read the file and copy the text exactly.",
    );
  }
  const count = text.split(args.old).length - 1;
  if (count > 1) {
    throw new ToolError(
      `The text to replace occurs ${count} times in ${args.path}; the file is unchanged. ` +
        "Include more surrounding text so that it occurs once.",
    );
  }
  const edited = text.slice(0, first) + args.new + text.slice(first + args.old.length);
  return { edited, line: text.slice(0, first).split("\n").length };
}
