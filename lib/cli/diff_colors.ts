/**
 * A unified diff as a terminal shows it: every character visible (what a file
 * written in the sandbox holds cannot drive the terminal), coloured as git
 * colours it.
 *
 * @module
 */

import { reveal } from "./sanitize.ts";
import type { Style } from "./style.ts";

/**
 * A diff's lines with their control and invisible characters as visible escapes; each tab
 * becomes `tab` (a tab itself, or spaces where widths are counted).
 *
 * @example
 * ```ts
 * import { diffLines } from "./diff_colors.ts";
 * console.log(diffLines("+a\tb\x1b[2J\n", "    ")); // [ "+a    b^[[2J" ]
 * ```
 */
export function diffLines(diff: string, tab = "\t"): string[] {
  return diff.replace(/\n$/, "").split("\n").map((line) => line.split("\t").map(reveal).join(tab));
}

/**
 * Colours a diff's lines (made visible first) as git does: file headers bold, hunk headers
 * cyan, added lines green, removed lines red, notes (`\ No newline at end of file`, an
 * ellipsis of lines left out) dim. `fit` shortens a line to the screen before it is coloured.
 *
 * @example
 * ```ts
 * import { colorDiff } from "./diff_colors.ts";
 * import { createStyle } from "./style.ts";
 * console.log(colorDiff(["@@ -1 +1 @@", "-a", "+b"], createStyle(false))); // unchanged
 * ```
 */
export function colorDiff(
  lines: readonly string[],
  style: Style,
  fit: (line: string) => string = (line) => line,
): string[] {
  // A file's header runs from its first line to its first hunk: there "--- a/x" and "+++ b/x"
  // name the files; in a hunk, "---" is a removed "--".
  let header = true;
  return lines.map((line) => {
    const text = fit(line);
    if (line.startsWith("diff --git ")) header = true;
    if (line.startsWith("@@")) {
      header = false;
      return style.cyan(text);
    }
    if (header) return style.bold(text);
    if (line.startsWith("+")) return style.green(text);
    if (line.startsWith("-")) return style.red(text);
    if (line.startsWith("…") || line.startsWith("\\")) return style.dim(text);
    return text;
  });
}
