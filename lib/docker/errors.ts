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

/** Why a connection to an engine cannot work, found before any request went through. */
export interface ConnectionProblem {
  /** What is wrong, e.g. "the engine refused the client certificate …". */
  problem: string;
  /** What the user can do about it, as a sentence. */
  remedy: string;
}

/**
 * The connection to an engine broke (daemon stopped, socket gone), or an engine is there but
 * cannot be talked to as configured (a TLS mismatch: see {@linkcode ConnectionProblem}).
 *
 * @example
 * ```ts
 * import { DockerConnectionError } from "./errors.ts";
 * const err = new DockerConnectionError("tcp://10.0.0.2:2376", new Error("BadCertificate"), {
 *   problem: "the engine refused the client certificate",
 *   remedy: "Check DOCKER_CERT_PATH.",
 * });
 * console.log(err.message);
 * ```
 */
export class DockerConnectionError extends DockerError {
  /** The engine's address, as `unix:///…` or `tcp://…`. */
  readonly endpoint: string;
  /** What went wrong, in a few words (without the endpoint). */
  readonly problem: string;
  /** What the user can do about it. */
  readonly remedy: string;

  /**
   * Creates a `DockerConnectionError`.
   * @param endpoint The engine's address, as `unix:///…` or `tcp://…`.
   * @param cause What the connection reported.
   * @param known The problem as understood, when it is more than a broken connection.
   */
  constructor(endpoint: string, cause: unknown, known?: ConnectionProblem) {
    const problem = known?.problem ?? (cause instanceof Error ? cause.message : String(cause));
    const remedy = known?.remedy ??
      "Check that the engine is still running (docker info), then try again.";
    super(
      known
        ? `Cannot talk to the Docker engine at ${endpoint}: ${problem}. ${remedy}`
        : `Lost the connection to the Docker engine at ${endpoint} (${problem}). ${remedy}`,
      { cause },
    );
    this.name = "DockerConnectionError";
    this.endpoint = endpoint;
    this.problem = problem;
    this.remedy = remedy;
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

/**
 * 409 from the engine: a name in use, a container not running, and the like. Podman answers
 * these with a 500 that names its cause: those are conflicts too (see {@linkcode apiError}).
 */
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

/**
 * Podman's causes (the `cause` of its `{cause, message, response}` error bodies) for what Docker
 * answers with 404, where Podman's compatible API may answer 500: a container removed while it
 * was being looked at ("does not exist in database"), an exec session gone with it.
 */
const NOT_FOUND_CAUSES = new Set(["no such container", "no such exec session", "no such image"]);

/**
 * Podman's causes for what Docker answers with 409, where Podman answers 500: a container not
 * running or not stopped (an exec in a stopped container, removing a running one), a name
 * already taken.
 */
const CONFLICT_CAUSES = new Set([
  "container state improper",
  "that name is already in use",
  "container already exists",
]);

/**
 * Makes the typed error for an engine error answer, by its meaning: Docker's status, or the
 * cause Podman names beside its message (see the sets above).
 *
 * @param message The engine's `message`, which already says what happened.
 * @param cause Podman's `cause`, when the body had one.
 *
 * @example
 * ```ts
 * import { apiError, DockerConflictError } from "./errors.ts";
 * const podman = apiError(500, "can only create exec sessions on running containers: " +
 *   "container state improper", "container state improper");
 * console.log(podman instanceof DockerConflictError); // true
 * ```
 */
export function apiError(status: number, message: string, cause?: string): DockerApiError {
  if (status === 404 || NOT_FOUND_CAUSES.has(cause ?? "")) return new DockerNotFoundError(message);
  if (status === 409 || CONFLICT_CAUSES.has(cause ?? "")) return new DockerConflictError(message);
  return new DockerApiError(status, message);
}
