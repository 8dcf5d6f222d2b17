/**
 * Typed errors of the settings loader. Each is a {@linkcode ConfigError}, the
 * one class the command line turns into exit code 2, and says where the value
 * came from (a flag, a variable, a file's line) and what to write instead.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";

/**
 * A config file cannot be used: it cannot be read, it is not valid TOML, or
 * one of its keys is unknown or holds a value that cannot be used.
 *
 * @example
 * ```ts
 * import { ConfigFileError } from "./errors.ts";
 * const error = new ConfigFileError(
 *   'unknown key "netwrok" in .pygent/config.toml line 3; did you mean "network"?',
 *   { file: ".pygent/config.toml", line: 3, key: "netwrok" },
 * );
 * console.log(error.line); // 3
 * ```
 */
export class ConfigFileError extends ConfigError {
  /** The file as the user would recognise it (`.pygent/config.toml`, `~/.config/…`). */
  readonly file: string;
  /** The line (from 1) the problem is on, when it is on one. */
  readonly line: number | undefined;
  /** The key (a dotted path such as `profiles.ci.memory`), when one is at fault. */
  readonly key: string | undefined;

  /**
   * Creates a `ConfigFileError`.
   * @param message The file, the line, the key and what to write instead.
   * @param where The file as shown, and the line and key when known.
   */
  constructor(
    message: string,
    where: { file: string; line?: number; key?: string },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "ConfigFileError";
    this.file = where.file;
    this.line = where.line;
    this.key = where.key;
  }
}

/**
 * A flag or an environment variable holds a value that cannot be used, or two
 * of them disagree.
 *
 * @example
 * ```ts
 * import { SettingError } from "./errors.ts";
 * const error = new SettingError(
 *   "PYGENT_TIMEOUT=abc is not valid; use a number of seconds above 0.",
 *   "PYGENT_TIMEOUT",
 * );
 * console.log(error.setting); // "PYGENT_TIMEOUT"
 * ```
 */
export class SettingError extends ConfigError {
  /** The flag (`--memory`) or the variable (`PYGENT_MEMORY`) at fault. */
  readonly setting: string;

  /**
   * Creates a `SettingError`.
   * @param message The flag or variable, its value and what it accepts.
   * @param setting The flag or variable's name.
   */
  constructor(message: string, setting: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SettingError";
    this.setting = setting;
  }
}

/**
 * `--profile NAME` or `PYGENT_PROFILE=NAME` names a profile that no config
 * file defines.
 *
 * @example
 * ```ts
 * import { UnknownProfileError } from "./errors.ts";
 * const error = new UnknownProfileError("--profile x names no [profiles.x] ...", "x", ["ci"]);
 * console.log(error.available); // ["ci"]
 * ```
 */
export class UnknownProfileError extends ConfigError {
  /** The profile asked for. */
  readonly profile: string;
  /** The profiles the files define. */
  readonly available: readonly string[];

  /**
   * Creates an `UnknownProfileError`.
   * @param message The profile, the files searched and the profiles they have.
   * @param profile The profile asked for.
   * @param available The profiles the files define.
   */
  constructor(message: string, profile: string, available: readonly string[]) {
    super(message);
    this.name = "UnknownProfileError";
    this.profile = profile;
    this.available = available;
  }
}
