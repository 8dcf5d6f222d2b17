/**
 * Typed errors of the command line, each with a message a user can act on and
 * the exit code the process ends with.
 *
 * @module
 */

/** Exit code of a bad flag or a bad environment variable. */
export const USAGE_EXIT_CODE = 2;

/**
 * A flag, an argument or an environment variable has a value that cannot be
 * used. `pygent` prints the message and exits with code 2.
 *
 * @example
 * ```ts
 * import { UsageError } from "./errors.ts";
 * const error = new UsageError("--max-steps must be a whole number of at least 1; got 0.");
 * console.log(error.exitCode); // 2
 * ```
 */
export class UsageError extends Error {
  /** The process exit code: always {@linkcode USAGE_EXIT_CODE}. */
  readonly exitCode: number = USAGE_EXIT_CODE;

  /**
   * Creates an `UsageError`.
   * @param message Which setting, what it holds, and what it accepts.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/**
 * `/save FILE` could not write the file; the session goes on.
 *
 * @example
 * ```ts
 * import { SaveError } from "./errors.ts";
 * const error = new SaveError("cannot save to /nowhere/x.json: no such folder");
 * console.log(error.name); // "SaveError"
 * ```
 */
export class SaveError extends Error {
  /**
   * Creates a `SaveError`.
   * @param message Which file, and why it could not be written.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SaveError";
  }
}
