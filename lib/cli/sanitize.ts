/**
 * Untrusted text made safe for a terminal: command output, file contents, the
 * model's text and anything else the sandbox or a server controls passes
 * through here before the terminal view styles and writes it, so it can never
 * send its own escape sequences (a clipboard write, a screen clear, a title).
 *
 * @module
 */

import type { AgentEvent } from "../agent/events.ts";

// C0 controls except \t and \n (handled apart), DEL, and the C1 controls.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * Replaces control characters with visible escapes: C0 controls and DEL in
 * caret notation (`^[`, `^G`, `^?`), C1 controls as `\x9b`. `\n` and `\t` stay;
 * `\r\n` becomes `\n`, and a line redrawn with `\r` (a progress counter) shows
 * what a terminal would end with: the text after its last `\r`.
 *
 * @example
 * ```ts
 * import { sanitize } from "./sanitize.ts";
 * console.log(sanitize("\x1b]52;c;ZXZpbA==\x07\x1b[2J")); // "^[]52;c;ZXZpbA==^G^[[2J"
 * console.log(sanitize("10%\r100%\n")); // "100%\n"
 * ```
 */
export function sanitize(text: string): string {
  if (!new RegExp(CONTROL.source).test(text)) return text; // \r is among them
  return text
    .split("\n")
    .map((line) => {
      const parts = line.split("\r").filter((part) => part !== "");
      return parts.length === 0 ? "" : parts[parts.length - 1];
    })
    .join("\n")
    .replace(CONTROL, (ch) => {
      const code = ch.charCodeAt(0);
      if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
      if (code === 0x7f) return "^?";
      return `\\x${code.toString(16)}`;
    });
}

/**
 * A copy of `event` with every string in it {@linkcode sanitize}d. A tool
 * call's `arguments` (JSON) is sanitized after decoding too, since JSON
 * escapes (`\u001b`) decode to the characters they name.
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
    if (key === "arguments") {
      try {
        return sanitize(JSON.stringify(_clean(JSON.parse(value), "")));
      } catch {
        // Not JSON: shown as it is, sanitized.
      }
    }
    return sanitize(value);
  }
  if (Array.isArray(value)) return value.map((item) => _clean(item, ""));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, _clean(v, k)]));
  }
  return value;
}
