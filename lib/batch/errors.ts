/**
 * Typed errors of `pygent batch`, each with a message a user can act on.
 *
 * @module
 */

/**
 * The tasks file cannot be run as it is: nothing was started. The message names the file, the
 * line and the field.
 *
 * @example
 * ```ts
 * import { TasksFileError } from "./errors.ts";
 * const error = new TasksFileError("tasks.jsonl", 3, "timeout", "must be a number above 0");
 * console.log(error.message); // 'tasks.jsonl line 3: "timeout" must be a number above 0'
 * ```
 */
export class TasksFileError extends Error {
  /** The line (from 1), or undefined for the file as a whole. */
  readonly line: number | undefined;
  /** The field at fault, when one is. */
  readonly field: string | undefined;

  /**
   * Creates a `TasksFileError`.
   * @param file The tasks file, as the user named it.
   * @param line The line at fault (from 1), if one is.
   * @param field The field at fault, if one is.
   * @param problem What is wrong and what to write instead.
   */
  constructor(
    file: string,
    line: number | undefined,
    field: string | undefined,
    problem: string,
    options?: ErrorOptions,
  ) {
    const where = line === undefined ? file : `${file} line ${line}`;
    super(`${where}: ${field === undefined ? "" : `${JSON.stringify(field)} `}${problem}`, options);
    this.name = "TasksFileError";
    this.line = line;
    this.field = field;
  }
}

/**
 * An engine of the pool cannot be used as written (a bad URL, unreadable TLS files), or batch
 * was asked to run on the host.
 *
 * @example
 * ```ts
 * import { BatchSetupError } from "./errors.ts";
 * console.log(new BatchSetupError("no engine answered").name); // "BatchSetupError"
 * ```
 */
export class BatchSetupError extends Error {
  /**
   * Creates a `BatchSetupError`.
   * @param message What is wrong and what to do.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BatchSetupError";
  }
}

/**
 * No engine of the pool answers: batch runs tasks in containers only, never on the host.
 *
 * @example
 * ```ts
 * import { NoEngineError } from "./errors.ts";
 * console.log(new NoEngineError("No engine answers.").name); // "NoEngineError"
 * ```
 */
export class NoEngineError extends Error {
  /**
   * Creates a `NoEngineError`.
   * @param message Which engines were tried, and what to do.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NoEngineError";
  }
}

/**
 * The results file cannot be read or written: a line in its middle that is not a result, or a
 * folder that cannot be written.
 *
 * @example
 * ```ts
 * import { ResultsFileError } from "./errors.ts";
 * console.log(new ResultsFileError("results.jsonl line 2 is not a result").name);
 * ```
 */
export class ResultsFileError extends Error {
  /**
   * Creates a `ResultsFileError`.
   * @param message Which file, and what is wrong with it.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ResultsFileError";
  }
}

/**
 * A task ran longer than its `timeout`: the reason its step was aborted with.
 *
 * @example
 * ```ts
 * import { TaskTimeoutError } from "./errors.ts";
 * console.log(new TaskTimeoutError(30).message); // "The task ran out of its 30 s."
 * ```
 */
export class TaskTimeoutError extends Error {
  /**
   * Creates a `TaskTimeoutError`.
   * @param seconds The task's `timeout`.
   */
  constructor(seconds: number) {
    super(`The task ran out of its ${seconds} s.`);
    this.name = "TaskTimeoutError";
  }
}

/**
 * A task's files could not be made (its folder could not be copied); the task fails, the
 * others go on.
 *
 * @example
 * ```ts
 * import { TaskFilesError } from "./errors.ts";
 * console.log(new TaskFilesError("Cannot copy /src: permission denied").name);
 * ```
 */
export class TaskFilesError extends Error {
  /**
   * Creates a `TaskFilesError`.
   * @param message What could not be copied, and why.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TaskFilesError";
  }
}
