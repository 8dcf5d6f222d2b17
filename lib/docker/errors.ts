/**
 * Typed errors of the Docker Engine client. Every error carries a message a
 * user can act on; errors from the engine carry the engine's own words.
 *
 * @module
 */

/** Base class of every error raised by `lib/docker/`. */
export class DockerError extends Error {
  /**
   * Creates a `DockerError`.
   * @param message What went wrong, in words a user can act on.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DockerError";
  }
}

/**
 * No engine answered: carries every endpoint tried and why each failed.
 *
 * @example
 * ```ts
 * import { DockerUnavailableError } from "./errors.ts";
 * const err = new DockerUnavailableError(["unix:///var/run/docker.sock: not found"]);
 * console.log(err.message);
 * ```
 */
export class DockerUnavailableError extends DockerError {
  /** One line per endpoint tried: where, and what happened there. */
  readonly attempts: string[];

  /**
   * Creates a `DockerUnavailableError`.
   * @param attempts One line per endpoint tried.
   */
  constructor(attempts: string[], options?: ErrorOptions) {
    super(
      `No Docker engine answered. Tried:\n${attempts.map((a) => `  - ${a}`).join("\n")}\n` +
        "Start Docker (dockerd, Docker Desktop, Colima, OrbStack or Podman), point DOCKER_HOST " +
        "at its socket (unix:///path or tcp://host:port), or run on the host with --no-docker.",
      options,
    );
    this.name = "DockerUnavailableError";
    this.attempts = attempts;
  }
}

/** The connection to an engine that did answer broke (daemon stopped, socket gone). */
export class DockerConnectionError extends DockerError {
  /**
   * Creates a `DockerConnectionError`.
   * @param endpoint The engine's address, as `unix:///…` or `tcp://…`.
   * @param cause What the connection reported.
   */
  constructor(endpoint: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      `Lost the connection to the Docker engine at ${endpoint} (${detail}). ` +
        "Check that the engine is still running (docker info), then try again.",
      { cause },
    );
    this.name = "DockerConnectionError";
  }
}

/** The engine answered a request with an error status; `message` is the engine's own. */
export class DockerApiError extends DockerError {
  /** The HTTP status the engine answered with. */
  readonly status: number;

  /**
   * Creates a `DockerApiError`.
   * @param status HTTP status.
   * @param message The engine's `message` field.
   */
  constructor(status: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DockerApiError";
    this.status = status;
  }
}

/** 404 from the engine: no such image, container or exec instance. */
export class DockerNotFoundError extends DockerApiError {
  /**
   * Creates a `DockerNotFoundError`.
   * @param message The engine's message, e.g. "No such container: abc".
   */
  constructor(message: string) {
    super(404, message);
    this.name = "DockerNotFoundError";
  }
}

/** 409 from the engine: a name in use, a container not running, and the like. */
export class DockerConflictError extends DockerApiError {
  /**
   * Creates a `DockerConflictError`.
   * @param message The engine's message.
   */
  constructor(message: string) {
    super(409, message);
    this.name = "DockerConflictError";
  }
}

/** Makes the typed error for an engine error answer. */
export function apiError(status: number, message: string): DockerApiError {
  if (status === 404) return new DockerNotFoundError(message);
  if (status === 409) return new DockerConflictError(message);
  return new DockerApiError(status, message);
}
