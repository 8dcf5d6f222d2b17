/**
 * Typed errors of the runtime layer, each with a message a user can act on.
 *
 * @module
 */

import { DockerError } from "../docker/mod.ts";

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

/** A file a tool was asked to read does not exist in the workspace. */
export class FileNotFoundError extends RuntimeError {
  /** The path as it was given. */
  readonly path: string;

  /**
   * Creates a `FileNotFoundError`.
   * @param path The path as given.
   */
  constructor(path: string) {
    super(`No such file: ${path}`);
    this.name = "FileNotFoundError";
    this.path = path;
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

/**
 * The sandbox cannot run anything: no Docker engine answered, or the engine failed or stopped
 * answering. Neither the model nor a retry of the same call can fix it; the message says what
 * the user can do, and `cause` holds the engine client's own error.
 *
 * @example
 * ```ts
 * import { SandboxUnavailableError } from "./errors.ts";
 * const error = new SandboxUnavailableError("No Docker engine answered. Start Docker.");
 * console.log(error.name); // "SandboxUnavailableError"
 * ```
 */
export class SandboxUnavailableError extends RuntimeError {
  /**
   * Creates a `SandboxUnavailableError`.
   * @param message What failed and what to do.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "SandboxUnavailableError";
  }
}

/**
 * For `.catch` at the runtime's edge: an engine client's error becomes a
 * {@linkcode SandboxUnavailableError} with the same message; any other error stays.
 */
export function asSandboxError(error: unknown): never {
  if (error instanceof DockerError) {
    throw new SandboxUnavailableError(error.message, { cause: error });
  }
  throw error;
}

/** Copy mode: the workspace (or what a step changed) is larger than the sync limit. */
export class SyncLimitError extends RuntimeError {
  /**
   * Creates a `SyncLimitError`.
   * @param what What was to be copied, e.g. "The workspace".
   * @param bytes Its size.
   * @param limit The limit.
   */
  constructor(what: string, bytes: number, limit: number) {
    super(
      `${what} is ${mib(bytes)} MiB, over the copy mode limit of ${mib(limit)} MiB. List what ` +
        "the sandbox does not need in a .pygentignore file at the workspace's root (gitignore " +
        "syntax), raise the limit (--sync-limit, sync_limit in a config file, syncLimitBytes in " +
        "the API), or use --sync bind with an engine on this machine.",
    );
    this.name = "SyncLimitError";
  }
}

function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
