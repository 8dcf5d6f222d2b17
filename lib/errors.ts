/**
 * The error every layer shares: a setting that cannot be used. The runtime
 * (a bad limit), the agent (a missing API key) and the config loader (a bad
 * file) all raise it, and the command line turns it into exit code 2.
 *
 * @module
 */

/**
 * A setting (an option, a flag, an environment variable or a config file's key) has a value
 * that cannot be used, or a needed one is missing.
 *
 * @example
 * ```ts
 * import { ConfigError } from "./errors.ts";
 * const error = new ConfigError("PYGENT_TIMEOUT=abc is not valid; use a number of seconds above 0.");
 * console.log(error.name); // "ConfigError"
 * ```
 */
export class ConfigError extends Error {
  /**
   * Creates a `ConfigError`.
   * @param message Which setting, what it holds, and what it accepts.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}
