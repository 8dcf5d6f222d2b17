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
  /** For a word that is not literal: what makes it so (the first found, for messages). */
  readonly expansion?: Expansion;
  /**
   * For a word whose only expansion is a brace list (`{rm,-rf,/}`): the words the shell makes
   * of it, in order (`rm`, `-rf`, `/`). Absent when the braces hold a sequence (`{1..9}`).
   */
  readonly braceWords?: readonly Word[];
}

/**
 * What makes a word not literal: a command or process substitution, a parameter or
 * arithmetic expansion (`$X`, `${X}`, `$((1+2))`), a glob (`*`, `?`, `[`), a leading `~`, or
 * a brace list (`{a,b}`, `{1..3}`).
 */
export type Expansion = "substitution" | "parameter" | "glob" | "tilde" | "brace";

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
  const built: Built = { value: "", skeleton: "" };
  _addPiece(node, built);
  const { value, skeleton } = built;
  const text = node.text;
  if (built.expands !== undefined) return { value, literal: false, text, expansion: built.expands };
  if (/\{[^{}]*(,|\.\.)[^{}]*\}/.test(skeleton)) {
    const expanded = _expandBraces(value, skeleton);
    const braceWords = expanded?.map(([v, s]) => _plainWord(v, s, text));
    return {
      value,
      literal: false,
      text,
      expansion: "brace",
      ...(braceWords !== undefined ? { braceWords } : {}),
    };
  }
  return _plainWord(value, skeleton, text);
}

/** A word without parameter expansions or substitutions: literal unless it has a glob or `~`. */
function _plainWord(value: string, skeleton: string, text: string): Word {
  const expansion = /[*?[]/.test(skeleton)
    ? "glob"
    : skeleton.startsWith("~")
    ? "tilde"
    : undefined;
  return expansion === undefined
    ? { value, literal: true, text }
    : { value, literal: false, text, expansion };
}

/** How many words a brace expansion may make before Pygent gives up expanding it. */
const MAX_BRACE_WORDS = 256;

/**
 * The words a brace expansion makes, as [value, skeleton] pairs: `{rm,-rf}x` → `rmx`, `-rfx`.
 * Comma lists only, nested or not; undefined for a sequence (`{1..3}`) or too many words.
 * Empty unquoted words are dropped, as the shell drops them.
 */
function _expandBraces(value: string, skeleton: string): [string, string][] | undefined {
  const done: [string, string][] = [];
  const todo: [string, string, number][] = [[value, skeleton, 0]];
  while (todo.length > 0) {
    const [v, s, from] = todo.pop() as [string, string, number];
    const open = _braceOpen(s, from);
    if (open === undefined) {
      if (v !== "" || s !== "") done.push([v, s]);
      if (done.length > MAX_BRACE_WORDS) return undefined;
      continue;
    }
    const { start, end, commas } = open;
    if (commas.length === 0) {
      if (/^[^.]*\.\.[^.]/.test(s.slice(start + 1, end))) return undefined;
      todo.push([v, s, start + 1]);
      continue;
    }
    const bounds = [start, ...commas, end];
    const alternatives: [string, string, number][] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const piece = (text: string) =>
        text.slice(0, start) + text.slice(bounds[k] + 1, bounds[k + 1]) + text.slice(end + 1);
      alternatives.push([piece(v), piece(s), start]);
    }
    todo.push(...alternatives.reverse());
    if (todo.length > MAX_BRACE_WORDS) return undefined;
  }
  return done;
}

/** The first unquoted `{` from `from` that has its `}`, and the top-level commas between. */
function _braceOpen(
  skeleton: string,
  from: number,
): { start: number; end: number; commas: number[] } | undefined {
  for (
    let start = skeleton.indexOf("{", from);
    start >= 0;
    start = skeleton.indexOf("{", start + 1)
  ) {
    if (skeleton[start - 1] === "$") continue;
    let depth = 0;
    const commas: number[] = [];
    for (let i = start + 1; i < skeleton.length; i++) {
      const c = skeleton[i];
      if (c === "{" && skeleton[i - 1] !== "$") depth++;
      else if (c === "}" && depth > 0) depth--;
      else if (c === "}") return { start, end: i, commas };
      else if (c === "," && depth === 0) commas.push(i);
    }
  }
  return undefined;
}

/**
 * What a word is made of so far: its value, and its "skeleton" (the value with every quoted or
 * escaped character replaced by NUL, character for character while nothing expands), in which
 * globs, `~` and braces are looked for; and what expands in it, if anything does.
 */
interface Built {
  value: string;
  skeleton: string;
  expands?: "substitution" | "parameter";
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
    default: {
      // $X, ${X}, $(cmd), `cmd`, <(cmd), $((1+2)), extended globs...
      const text = node.text;
      _expands(built, /\$\((?!\()|`|[<>]\(/.test(text) ? "substitution" : "parameter");
      built.value += text;
      built.skeleton += "$";
    }
  }
}

/** Records what expands in a word: a substitution wins over a parameter, for messages. */
function _expands(built: Built, kind: "substitution" | "parameter"): void {
  if (built.expands !== "substitution") built.expands = kind;
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
      if (c === "`" || (c === "$" && text[i + 1] === "(")) _expands(built, "substitution");
      else if (c === "$") _expands(built, "parameter");
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
  const before = built.value.length;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && i + 1 < text.length && '$`"\\\n'.includes(text[i + 1])) {
      i++;
      if (text[i] !== "\n") built.value += text[i];
    } else {
      if (c === "`" || (c === "$" && text[i + 1] === "(")) _expands(built, "substitution");
      else if (c === "$") _expands(built, "parameter");
      built.value += c;
    }
  }
  built.skeleton += QUOTED.repeat(built.value.length - before);
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
 * The value of the body of a `$'...'` string: `a\tb` → a, TAB, b. As in bash, a NUL (`\0`,
 * `\x00`, `\c@`...) ends the string: `$'gi\0x't` is `git`.
 *
 * @example
 * ```ts
 * import { decodeAnsiC } from "./words.ts";
 * console.log(decodeAnsiC("g\\x69t"), decodeAnsiC("a\\0b")); // "git" "a"
 * ```
 */
export function decodeAnsiC(body: string): string {
  const decoded = body.replace(
    /\\(?:([abeEfnrtv\\'"?])|([0-7]{1,3})|x\{([0-9A-Fa-f]*)\}?|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{1,4})|U([0-9A-Fa-f]{1,8})|c(.))/g,
    (_all, simple, octal, braced, hex, u4, u8, control) => {
      if (simple !== undefined) return ANSI_C_ESCAPES[simple];
      if (octal !== undefined) return String.fromCharCode(parseInt(octal, 8) & 0xff);
      if (braced !== undefined) return String.fromCharCode(parseInt(`0${braced.slice(-2)}`, 16));
      if (hex !== undefined) return String.fromCharCode(parseInt(hex, 16));
      const code = u4 ?? u8;
      if (code !== undefined) return String.fromCodePoint(Math.min(parseInt(code, 16), 0x10ffff));
      return String.fromCharCode(control.toUpperCase().charCodeAt(0) ^ 0x40);
    },
  );
  const nul = decoded.indexOf("\0");
  return nul < 0 ? decoded : decoded.slice(0, nul);
}
