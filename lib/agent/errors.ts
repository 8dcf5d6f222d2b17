/**
 * Typed errors of the agent layer: what the model server said, in words a user
 * can act on, and misuse of an {@linkcode Agent}.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";

/** Base class of the agent layer's errors. */
export class AgentError extends Error {
  /**
   * Makes the error.
   * @param message What went wrong and what to do about it.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AgentError";
  }
}

/**
 * No API key is set while the base URL is OpenAI's own. Raised by `new Agent()` before anything
 * starts. A {@linkcode ConfigError}, like every bad setting.
 */
export class MissingApiKeyError extends ConfigError {
  /** The variable the key was looked for in. */
  readonly variable: string;

  /**
   * Makes the error.
   * @param variable The variable the key was looked for in, e.g. `OPENAI_API_KEY`.
   */
  constructor(variable: string) {
    super(
      `${variable} is not set. Set it to your OpenAI API key, or set OPENAI_BASE_URL ` +
        "(or base_url in the config file) to another OpenAI-compatible server (Ollama, vLLM, " +
        "LM Studio), where a key is optional.",
    );
    this.name = "MissingApiKeyError";
    this.variable = variable;
  }
}

/** A model request failed for good (after any retries). The session survives it. */
export class ModelError extends AgentError {
  /** The HTTP status the server answered with, when it answered. */
  readonly status: number | undefined;

  /**
   * Makes the error.
   * @param message What happened and what to do.
   * @param status The HTTP status, when the server answered.
   */
  constructor(message: string, status?: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "ModelError";
    this.status = status;
  }
}

/** The server refused the API key (401) or the key's access (403). */
export class ModelAuthError extends ModelError {
  /**
   * Makes the error.
   * @param detail The server's own words.
   */
  constructor(detail: string, status: number, options?: ErrorOptions) {
    super(
      `The model server refused the API key (${status}: ${detail}). Check OPENAI_API_KEY.`,
      status,
      options,
    );
    this.name = "ModelAuthError";
  }
}

/** The model (or the endpoint) does not exist on the server (404). */
export class ModelNotFoundError extends ModelError {
  /**
   * Makes the error.
   * @param model The model asked for.
   * @param baseURL Where it was asked for.
   * @param detail The server's own words.
   */
  constructor(model: string, baseURL: string, detail: string, options?: ErrorOptions) {
    super(
      `The model ${JSON.stringify(model)} is not available at ${baseURL} (404: ${detail}). ` +
        "Choose a model the server offers (--model, PYGENT_MODEL or model in the config file), " +
        "or check the base URL.",
      404,
      options,
    );
    this.name = "ModelNotFoundError";
  }
}

/** The conversation no longer fits in the model's context window. */
export class ContextTooLongError extends ModelError {
  /**
   * Makes the error.
   * @param detail The server's own words.
   */
  constructor(detail: string, status: number, options?: ErrorOptions) {
    super(
      `The conversation is too long for the model's context (${detail}). ` +
        "Start a new conversation (reset) or use a model with a larger context.",
      status,
      options,
    );
    this.name = "ContextTooLongError";
  }
}

/** The server kept answering 429 (rate limit or exhausted quota) through every retry. */
export class ModelRateLimitError extends ModelError {
  /**
   * Makes the error.
   * @param detail The server's own words.
   * @param attempts How many requests were made.
   */
  constructor(detail: string, attempts: number, options?: ErrorOptions) {
    super(
      `The model server is rate-limiting these requests (429: ${detail}); gave up after ` +
        `${attempts} attempts. Wait a moment and try again, or check your quota.`,
      429,
      options,
    );
    this.name = "ModelRateLimitError";
  }
}

/** The server could not be reached, failed (5xx) or cut the connection, through every retry. */
export class ModelUnavailableError extends ModelError {
  /**
   * Makes the error.
   * @param baseURL The server's address.
   * @param detail What happened on the last attempt.
   * @param attempts How many requests were made.
   * @param status The last HTTP status, when the server answered.
   */
  constructor(
    baseURL: string,
    detail: string,
    attempts: number,
    status?: number,
    options?: ErrorOptions,
  ) {
    super(
      `The model server at ${baseURL} is not answering properly (${detail}); gave up after ` +
        `${attempts} attempts. Check that it is running and reachable (OPENAI_BASE_URL).`,
      status,
      options,
    );
    this.name = "ModelUnavailableError";
  }
}

/** The server rejected the request for another reason (a 4xx not covered above). */
export class ModelRequestError extends ModelError {
  /**
   * Makes the error.
   * @param detail The server's own words.
   */
  constructor(detail: string, status: number, options?: ErrorOptions) {
    super(`The model server rejected the request (${status}: ${detail}).`, status, options);
    this.name = "ModelRequestError";
  }
}

/** `step()` was called while another step of the same agent was still running. */
export class AgentBusyError extends AgentError {
  /** Makes the error. */
  constructor() {
    super("This agent is already running a step; wait for it (or cancel it) first.");
    this.name = "AgentBusyError";
  }
}

/** A saved conversation could not be read: missing file, bad JSON, or not a conversation. */
export class HistoryFileError extends AgentError {
  /** The file as it was given. */
  readonly path: string;

  /**
   * Makes the error.
   * @param path The file as given.
   * @param why What is wrong with it.
   */
  constructor(path: string, why: string, options?: ErrorOptions) {
    super(`Cannot load the conversation from ${path}: ${why}.`, options);
    this.name = "HistoryFileError";
    this.path = path;
  }
}
