/**
 * Shell words as the shell sees them after quote removal: `'git' "st"a\tus` is the two words
 * `git` and `status`. A word that holds an expansion (`$X`, `$(cmd)`, a glob, `~`, a brace
 * list) is not *literal*: its value is only known when the command runs.
 *
 * @module
 */

import type { Node } from "web-tree-sitter";

/** One word of a command, normalised. */
export interface Word {
  /** The word after quote removal; for a word that is not literal, its text as written. */
  readonly value: string;
  /** False when the word holds an expansion, a substitution or a glob. */
  readonly literal: boolean;
  /** The word as written. */
  readonly text: string;
}

/**
 * A literal word (e.g. for tests, or for words that a wrapper produced).
 *
 * @example
 * ```ts
 * import { literalWord } from "./words.ts";
 * console.log(literalWord("git")); // { value: "git", literal: true, text: "git" }
 * ```
 */
export function literalWord(value: string): Word {
  return { value, literal: true, text: value };
}

/** The last path segment of a command name: `/usr/bin/git` → `git`. */
export function basename(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

/**
 * The normalised word of a syntax node (a `word`, a quoted string, a concatenation...).
 *
 * @example
 * ```ts ignore
 * const word = wordOf(commandNode.childForFieldName("name")!);
 * ```
 */
export function wordOf(node: Node): Word {
  const built = { value: "", skeleton: "", expands: false };
  _addPiece(node, built);
  const { value, skeleton, expands } = built;
  const literal = !expands && !/[*?[]/.test(skeleton) && !skeleton.startsWith("~") &&
    !/\{[^{}]*(,|\.\.)[^{}]*\}/.test(skeleton);
  return { value, literal, text: node.text };
}

/**
 * What a word is made of so far: its value, and its "skeleton" (the value with every quoted or
 * escaped character replaced by NUL), in which globs, `~` and braces are looked for.
 */
interface Built {
  value: string;
  skeleton: string;
  expands: boolean;
}

/** A character that stands for a quoted one in a skeleton: never a glob or a brace. */
const QUOTED = "\0";

function _addPiece(node: Node, built: Built): void {
  switch (node.type) {
    case "word":
    case "number":
      return _addUnquoted(node.text, built);
    case "raw_string":
      return _addQuoted(node.text.slice(1, -1), built);
    case "string":
      return _addDoubleQuoted(node.text.slice(1, -1), built);
    case "translated_string":
      return _addDoubleQuoted(node.text.slice(2, -1), built);
    case "ansi_c_string":
      return _addQuoted(decodeAnsiC(node.text.slice(2, -1)), built);
    case "command_name":
    case "concatenation": {
      // The children, and any text between them that the tree leaves out.
      let at = node.startIndex;
      const source = node.text;
      for (const child of node.children) {
        if (child.startIndex > at) {
          _addUnquoted(
            source.slice(at - node.startIndex, child.startIndex - node.startIndex),
            built,
          );
        }
        _addPiece(child, built);
        at = child.endIndex;
      }
      if (at < node.endIndex) _addUnquoted(source.slice(at - node.startIndex), built);
      return;
    }
    default:
      // $X, ${X}, $(cmd), `cmd`, <(cmd), $((1+2)), {a,b}, extended globs...
      built.expands = true;
      built.value += node.text;
      built.skeleton += "$";
  }
}

/** Unquoted text: a backslash quotes the next character; `\` + newline disappears. */
function _addUnquoted(text: string, built: Built): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length) {
      i++;
      if (text[i] === "\n") continue;
      built.value += text[i];
      built.skeleton += QUOTED;
    } else {
      if (c === "$" || c === "`") built.expands = true;
      built.value += c;
      built.skeleton += c;
    }
  }
}

function _addQuoted(text: string, built: Built): void {
  built.value += text;
  built.skeleton += QUOTED.repeat(text.length);
}

/** Inside double quotes: `\` quotes only `$`, `` ` ``, `"`, `\` and newline; `$` expands. */
function _addDoubleQuoted(text: string, built: Built): void {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1])) {
      i++;
      if (text[i] !== "\n") built.value += text[i];
    } else {
      if (c === "$" || c === "`") built.expands = true;
      built.value += c;
    }
  }
  built.skeleton += QUOTED;
}

const ANSI_C_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  e: "\x1b",
  E: "\x1b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "?": "?",
};

/**
 * The value of the body of a `$'...'` string: `a\tb` → a, TAB, b.
 *
 * @example
 * ```ts
 * import { decodeAnsiC } from "./words.ts";
 * console.log(decodeAnsiC("g\\x69t")); // "git"
 * ```
 */
export function decodeAnsiC(body: string): string {
  return body.replace(
    /\\(?:([abeEfnrtv\\'"?])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{1,4})|U([0-9A-Fa-f]{1,8})|c(.))/g,
    (_all, simple, octal, hex, u4, u8, control) => {
      if (simple !== undefined) return ANSI_C_ESCAPES[simple];
      if (octal !== undefined) return String.fromCharCode(parseInt(octal, 8) & 0xff);
      if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
      const code = u4 ?? u8;
      if (code !== undefined) return String.fromCodePoint(Math.min(parseInt(code, 16), 0x10ffff));
      return String.fromCharCode(control.toUpperCase().charCodeAt(0) ^ 0x40);
    },
  );
}
