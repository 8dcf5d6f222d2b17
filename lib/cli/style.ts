/**
 * Terminal colours that switch themselves off: only on a terminal, and never
 * with `NO_COLOR` set (https://no-color.org).
 *
 * @module
 */

/** Functions that wrap text in one colour or weight; identity functions when colour is off. */
export interface Style {
  /** True when the functions add escape codes. */
  readonly enabled: boolean;
  /** Bold text. */
  bold(text: string): string;
  /** Faint text, for what matters less. */
  dim(text: string): string;
  /** Italic text. */
  italic(text: string): string;
  /** Red: failures. */
  red(text: string): string;
  /** Green: success. */
  green(text: string): string;
  /** Yellow: warnings. */
  yellow(text: string): string;
  /** Cyan: names and code. */
  cyan(text: string): string;
  /** Magenta: the prompt. */
  magenta(text: string): string;
}

function wrap(open: number, close: number, enabled: boolean): (text: string) => string {
  return enabled ? (text) => `\x1b[${open}m${text}\x1b[${close}m` : (text) => text;
}

/**
 * Makes a {@linkcode Style}.
 *
 * @example
 * ```ts
 * import { createStyle } from "./style.ts";
 * console.log(createStyle(false).red("plain")); // "plain"
 * console.log(createStyle(true).red("red") === "\x1b[31mred\x1b[39m"); // true
 * ```
 */
export function createStyle(enabled: boolean): Style {
  return {
    enabled,
    bold: wrap(1, 22, enabled),
    dim: wrap(2, 22, enabled),
    italic: wrap(3, 23, enabled),
    red: wrap(31, 39, enabled),
    green: wrap(32, 39, enabled),
    yellow: wrap(33, 39, enabled),
    cyan: wrap(36, 39, enabled),
    magenta: wrap(35, 39, enabled),
  };
}

/**
 * Whether output to `stream` should be coloured: it is a terminal and `NO_COLOR` is unset or empty.
 *
 * @example
 * ```ts
 * import { colorWanted } from "./style.ts";
 * console.log(colorWanted({ isTerminal: () => true }, () => "1")); // false
 * ```
 */
export function colorWanted(
  stream: { isTerminal(): boolean },
  getEnv: (name: string) => string | undefined = (name) => Deno.env.get(name),
): boolean {
  return stream.isTerminal() && !getEnv("NO_COLOR");
}

/**
 * The width of `text` on screen: escape codes take none, each code point one column.
 *
 * @example
 * ```ts
 * import { visibleLength } from "./style.ts";
 * console.log(visibleLength("\x1b[1mhi\x1b[22m")); // 2
 * ```
 */
export function visibleLength(text: string): number {
  // deno-lint-ignore no-control-regex
  return [...text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")].length;
}
