/**
 * Files that a command writes through an option, without a redirection: `sort -o FILE`,
 * `git diff --output=FILE`, `git archive -o FILE`. An allow rule for `sort` or `git diff`
 * lets the command run; the file it writes is judged as a file write, like `> FILE`.
 *
 * @module
 */

import { SUBCOMMANDS } from "./programs.ts";
import { basename, type Word } from "./words.ts";

/** A file that an option of a command writes: `sort -o out.txt`. */
export interface OptionWrite {
  /** The option as written, for messages: `sort -o out.txt`. */
  text: string;
  /** The file. */
  target: Word;
}

/** `sort`'s short options that take an argument, attached or the next word. */
const SORT_WITH_ARGUMENT = "kotST";

/** git subcommands whose `-o` names the file or folder they write. */
const GIT_SHORT_OUTPUT = new Set(["archive", "format-patch"]);

/**
 * The files a command writes through its options: `--output`/`-o` of `sort`, the `--output`
 * of any git command (`git diff`, `git log`...), `-o` of `git archive` and `git format-patch`,
 * and `--output-directory` of `git format-patch`.
 *
 * @example
 * ```ts
 * import { outputWrites } from "./output_options.ts";
 * import { literalWord } from "./words.ts";
 * const writes = outputWrites(["sort", "-uo", "out.txt", "in.txt"].map(literalWord));
 * console.log(writes.map((w) => w.text)); // ["sort -uo out.txt"]
 * ```
 */
export function outputWrites(words: readonly Word[]): OptionWrite[] {
  const [name] = words;
  if (name === undefined || !name.literal) return [];
  const program = basename(name.value);
  if (program === "sort") return _sortWrites(words);
  if (program === "git") return _gitWrites(words);
  return [];
}

function _sortWrites(words: readonly Word[]): OptionWrite[] {
  const writes: OptionWrite[] = [];
  for (let i = 1; i < words.length; i++) {
    const { value, text } = words[i];
    if (value === "--") break;
    const long = _longOption(words, i, ["--output"]);
    if (long !== undefined) {
      writes.push({ text: `sort ${long.text}`, target: long.target });
      i = long.next;
      continue;
    }
    if (!/^-[^-]/.test(value)) continue;
    for (let j = 1; j < value.length; j++) {
      if (!SORT_WITH_ARGUMENT.includes(value[j])) continue;
      const attached = value.slice(j + 1);
      const target = attached === ""
        ? words[i + 1]
        : { ...words[i], value: attached, text: attached };
      if (value[j] === "o" && target !== undefined) {
        writes.push({
          text: attached === "" ? `sort ${text} ${target.text}` : `sort ${text}`,
          target,
        });
      }
      if (attached === "") i++;
      break;
    }
  }
  return writes;
}

function _gitWrites(words: readonly Word[]): OptionWrite[] {
  let i = 1;
  while (i < words.length && words[i].value.startsWith("-")) {
    if (SUBCOMMANDS.git.includes(words[i].value)) i++;
    i++;
  }
  const subcommand = words[i]?.value;
  const writes: OptionWrite[] = [];
  for (i++; i < words.length; i++) {
    const { value, text } = words[i];
    if (value === "--") break;
    const long = _longOption(words, i, ["--output", "--output-directory"]);
    if (long !== undefined) {
      writes.push({ text: `git ${long.text}`, target: long.target });
      i = long.next;
    } else if (GIT_SHORT_OUTPUT.has(subcommand ?? "") && /^-o/.test(value)) {
      const target = value === "-o" ? words[i + 1] : { ...words[i], value: value.slice(2), text };
      if (target !== undefined) {
        writes.push({ text: value === "-o" ? `git -o ${target.text}` : `git ${text}`, target });
      }
      if (value === "-o") i++;
    }
  }
  return writes;
}

/** A long option with its argument (`--output=F` or `--output F`) at `i`, and where it ends. */
function _longOption(
  words: readonly Word[],
  i: number,
  names: readonly string[],
): { text: string; target: Word; next: number } | undefined {
  const word = words[i];
  const equals = word.value.indexOf("=");
  if (equals > 0 && names.includes(word.value.slice(0, equals))) {
    const value = word.value.slice(equals + 1);
    return { text: word.text, target: { ...word, value, text: value }, next: i };
  }
  const target = words[i + 1];
  if (names.includes(word.value) && target !== undefined) {
    return { text: `${word.text} ${target.text}`, target, next: i + 1 };
  }
  return undefined;
}
