/**
 * Where a setting's value came from (a flag, a variable, a config file's
 * line), and the errors that name it. Every validator reports through here,
 * so a bad value reads the same whichever of the three gave it.
 *
 * @module
 */

import type { ConfigError } from "../errors.ts";
import { ConfigFileError, SettingError } from "./errors.ts";

/** Where a raw value came from. */
export type Origin =
  | { kind: "flag"; name: string }
  | { kind: "env"; name: string }
  | { kind: "file"; file: string; line: number | undefined; key: string };

/**
 * The error for a value that cannot be used, with its origin and value in the
 * message, and a hint of what works. With `secret`, the value is left out.
 *
 * @example
 * ```ts
 * import { invalidValue } from "./origin.ts";
 * const origin = { kind: "env", name: "PYGENT_TIMEOUT" } as const;
 * const error = invalidValue(origin, "abc", "use a number of seconds above 0");
 * console.log(error.message);
 * // "PYGENT_TIMEOUT=abc is not valid; use a number of seconds above 0."
 * ```
 */
export function invalidValue(
  origin: Origin,
  raw: unknown,
  hint: string,
  secret = false,
): ConfigError {
  return problem(origin, raw, "is not valid", hint, secret);
}

/**
 * The error for a limit below the smallest that works.
 *
 * @example
 * ```ts
 * import { tooSmall } from "./origin.ts";
 * console.log(tooSmall({ kind: "flag", name: "--memory" }, "1m", "6m").message);
 * // '--memory "1m" is too small; use at least 6m.'
 * ```
 */
export function tooSmall(origin: Origin, raw: unknown, least: string): ConfigError {
  return problem(origin, raw, "is too small", `use at least ${least}`, false);
}

/**
 * An error with its origin's kind of class: a {@linkcode ConfigFileError} for
 * a file, a {@linkcode SettingError} for a flag or a variable.
 *
 * @example
 * ```ts
 * import { originError } from "./origin.ts";
 * const origin = { kind: "file", file: "config.toml", line: 2, key: "env" } as const;
 * console.log(originError(origin, '"env" in config.toml line 2: X is not set here.').name);
 * // "ConfigFileError"
 * ```
 */
export function originError(origin: Origin, message: string): ConfigError {
  return origin.kind === "file"
    ? new ConfigFileError(message, origin)
    : new SettingError(message, origin.name);
}

/**
 * The origin in words: `--memory`, `PYGENT_MEMORY`, or `"memory" in FILE line 3`.
 *
 * @example
 * ```ts
 * import { describeOrigin } from "./origin.ts";
 * console.log(describeOrigin({ kind: "file", file: "a.toml", line: 3, key: "memory" }));
 * // '"memory" in a.toml line 3'
 * ```
 */
export function describeOrigin(origin: Origin): string {
  if (origin.kind !== "file") return origin.name;
  return `${JSON.stringify(origin.key)} in ${fileLine(origin.file, origin.line)}`;
}

/**
 * A file and a line as messages write them: `FILE line 3` (or `FILE` alone).
 *
 * @example
 * ```ts
 * import { fileLine } from "./origin.ts";
 * console.log(fileLine(".pygent/config.toml", 3)); // ".pygent/config.toml line 3"
 * ```
 */
export function fileLine(file: string, line: number | undefined): string {
  return line === undefined ? file : `${file} line ${line}`;
}

/**
 * A value as TOML would write it, for messages: `"2g"`, `true`, `["A", "B"]`.
 *
 * @example
 * ```ts
 * import { showToml } from "./origin.ts";
 * console.log(showToml(["git push", 3])); // '["git push", 3]'
 * ```
 */
export function showToml(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(showToml).join(", ")}]`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && value !== null) return "a table";
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

function problem(
  origin: Origin,
  raw: unknown,
  what: string,
  hint: string,
  secret: boolean,
): ConfigError {
  let message: string;
  if (origin.kind === "file") {
    message = `${describeOrigin(origin)} ${what}${secret ? "" : `: ${showToml(raw)}`}; ${hint}.`;
  } else if (secret) {
    message = `${origin.name} ${what}; ${hint}.`;
  } else if (origin.kind === "flag") {
    message = `${origin.name} ${JSON.stringify(String(raw))} ${what}; ${hint}.`;
  } else {
    message = `${origin.name}=${String(raw)} ${what}; ${hint}.`;
  }
  return originError(origin, message);
}
