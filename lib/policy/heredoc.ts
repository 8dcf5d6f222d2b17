/**
 * Here-document delimiters as bash reads them. The parser's grammar ends some here-documents
 * at another line than bash does (`<<$'X'`, `<<X''`, `<<X;`), and what bash runs after the end
 * would then hide in what the parser takes for the document: so the policy computes the
 * delimiter as bash does and checks the parser's reading against it.
 *
 * @module
 */

import { decodeAnsiC } from "./words.ts";

/** A here-document's delimiter, as bash reads it. */
export interface HeredocDelimiter {
  /** The line that ends the document: the word after quote removal. */
  value: string;
  /** Whether any of the word was quoted: then the document's text is not expanded. */
  quoted: boolean;
}

/** Characters that end an unquoted word. */
const METACHARACTERS = " \t\n|&;()<>";

/**
 * The delimiter that bash reads from the text after `<<` or `<<-`: blanks, then one word up to
 * a metacharacter, without expansions, with its quotes removed (`$'…'` decoded, the `$` of
 * `$"…"` dropped). Undefined when Pygent cannot tell what bash would read (a substitution, a
 * line continuation, a quote without its end, no word at all).
 *
 * @example
 * ```ts
 * import { heredocDelimiter } from "./heredoc.ts";
 * console.log(heredocDelimiter("$'X'Y\nbody")); // { value: "XY", quoted: true }
 * console.log(heredocDelimiter("EOF; ls\nbody")); // { value: "EOF", quoted: false }
 * ```
 */
export function heredocDelimiter(text: string): HeredocDelimiter | undefined {
  let i = /^[ \t]*/.exec(text)?.[0].length ?? 0;
  let value = "";
  let quoted = false;
  while (i < text.length && !METACHARACTERS.includes(text[i])) {
    const c = text[i];
    const next = text[i + 1];
    if (c === "`" || (c === "$" && (next === "(" || next === "{"))) return undefined;
    if (c === "\\") {
      if (next === undefined || next === "\n") return undefined;
      value += next;
      quoted = true;
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return undefined;
      value += text.slice(i + 1, end);
      quoted = true;
      i = end + 1;
    } else if (c === "$" && next === "'") {
      let end = i + 2;
      while (end < text.length && text[end] !== "'") end += text[end] === "\\" ? 2 : 1;
      if (end >= text.length) return undefined;
      value += decodeAnsiC(text.slice(i + 2, end));
      quoted = true;
      i = end + 1;
    } else if (c === '"' || (c === "$" && next === '"')) {
      const read = _doubleQuoted(text, c === "$" ? i + 1 : i);
      if (read === undefined) return undefined;
      value += read.value;
      quoted = true;
      i = read.end;
    } else {
      value += c;
      i++;
    }
  }
  return value === "" && !quoted ? undefined : { value, quoted };
}

/** A double-quoted part of a delimiter from its `"`: its value and the index after its end. */
function _doubleQuoted(text: string, open: number): { value: string; end: number } | undefined {
  let value = "";
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '"') return { value, end: i + 1 };
    if (c === "`" || (c === "$" && (next === "(" || next === "{"))) return undefined;
    if (c === "\\" && next !== undefined && '$`"\\\n'.includes(next)) {
      if (next !== "\n") value += next;
      i++;
    } else {
      value += c;
    }
  }
  return undefined;
}
