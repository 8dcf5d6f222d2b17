/**
 * Typed errors of the runtime layer, each with a message a user can act on.
 *
 * @module
 */

/** Base class of the runtime layer's errors. */
export class RuntimeError extends Error {
  /**
   * Creates a `RuntimeError`.
   * @param message What went wrong and what to do about it.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RuntimeError";
  }
}

/** A path given to a file operation would land outside the workspace. */
export class PathOutsideWorkspaceError extends RuntimeError {
  /** The path as it was given. */
  readonly path: string;

  /**
   * Creates a `PathOutsideWorkspaceError`.
   * @param path The path as given.
   * @param why What makes it land outside (e.g. "a symlink points to /etc").
   */
  constructor(path: string, why: string) {
    super(`Refused path ${JSON.stringify(path)}: ${why}. Use a path inside the workspace.`);
    this.name = "PathOutsideWorkspaceError";
    this.path = path;
  }
}

/** A setting (option, flag or environment variable) has a value that cannot be used. */
export class ConfigError extends RuntimeError {
  /**
   * Creates a `ConfigError`.
   * @param message Which setting, what it holds, and what it accepts.
   */
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** The sandbox container went away (removed from outside, engine restarted). */
export class SandboxLostError extends RuntimeError {
  /**
   * Creates a `SandboxLostError`.
   * @param detail What the engine said.
   */
  constructor(detail: string, options?: ErrorOptions) {
    super(
      `The sandbox container is gone (${detail}); the command did not finish. ` +
        "The next command starts a new container; files in the workspace are kept, " +
        "the shell's state (cd, variables) is lost.",
      options,
    );
    this.name = "SandboxLostError";
  }
}
