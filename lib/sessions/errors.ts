/**
 * Typed errors of the session store, each with a message that says what to do.
 *
 * @module
 */

/**
 * A session cannot be found, named, read or written. The command line prints the message and
 * exits with code 2 (or, for a write during a session, says so once and goes on without it).
 *
 * @example
 * ```ts
 * import { SessionError } from "./errors.ts";
 * const error = new SessionError("no session matches 2026; pygent sessions lists them.");
 * console.log(error.name); // "SessionError"
 * ```
 */
export class SessionError extends Error {
  /**
   * Creates a `SessionError`.
   * @param message Which session or file, what is wrong, and what to do.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SessionError";
  }
}

/**
 * A session file is not one this version can read (a line in the middle is not JSON, the header
 * is missing, the messages are not a valid conversation).
 *
 * @example
 * ```ts
 * import { SessionFileError } from "./errors.ts";
 * const error = new SessionFileError("/tmp/x.jsonl", "line 3 is not JSON");
 * console.log(error.message); // "cannot read the session file /tmp/x.jsonl: line 3 is not JSON; ..."
 * ```
 */
export class SessionFileError extends SessionError {
  /** The file. */
  readonly file: string;

  /**
   * Creates a `SessionFileError`.
   * @param file The session file.
   * @param problem What is wrong with it.
   */
  constructor(file: string, problem: string, options?: ErrorOptions) {
    super(
      `cannot read the session file ${file}: ${problem}; remove it with pygent sessions rm ID.`,
      options,
    );
    this.name = "SessionFileError";
    this.file = file;
  }
}
