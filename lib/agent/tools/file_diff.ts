/**
 * A file change as a unified diff, for the approval prompt of the file tools.
 *
 * @module
 */

import { createTwoFilesPatch } from "diff";
import { FileNotFoundError, type Runtime } from "../../runtime/mod.ts";

/**
 * The change from `before` to `after` as a unified diff with 3 lines of context; `before`
 * undefined means a new file.
 *
 * @example
 * ```ts
 * import { fileDiff } from "./file_diff.ts";
 * console.log(fileDiff("a.txt", "one\n", "two\n"));
 * // --- a/a.txt
 * // +++ b/a.txt
 * // @@ -1,1 +1,1 @@
 * // -one
 * // +two
 * ```
 */
export function fileDiff(path: string, before: string | undefined, after: string): string {
  const patch = createTwoFilesPatch(
    before === undefined ? "/dev/null" : `a/${path}`,
    `b/${path}`,
    before ?? "",
    after,
    undefined,
    undefined,
    { context: 3 },
  );
  // The patch starts with a row of "=" that adds nothing to a single file's diff.
  return patch.replace(/^=+\n/, "");
}

/** A workspace file's text, or undefined when there is no such file yet. */
export async function currentText(runtime: Runtime, path: string): Promise<string | undefined> {
  try {
    return await runtime.readFile(path);
  } catch (error) {
    if (error instanceof FileNotFoundError) return undefined;
    throw error;
  }
}
