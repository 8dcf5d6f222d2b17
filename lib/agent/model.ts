/**
 * The small interface between the agent and a language model. The OpenAI one
 * ({@linkcode OpenAIModel}) is the default; a caller can plug in another.
 *
 * @module
 */

import type { ChatMessage, ToolCall } from "./history.ts";
import type { JsonSchema } from "./json_schema.ts";

/** A tool as the model is told about it (Chat Completions `tools` entry). */
export interface ToolSchema {
  /** Always `"function"`. */
  type: "function";
  /** The tool's name, description and arguments. */
  function: {
    /** The name the model calls it by. */
    name: string;
    /** What it does, for the model. */
    description: string;
    /** The JSON schema of the arguments object. */
    parameters: JsonSchema;
  };
}

/** Tokens one model request used, when the server reports it. */
export interface Usage {
  /** Tokens of the conversation sent. */
  promptTokens: number;
  /** Tokens of the reply. */
  completionTokens: number;
  /** Both together. */
  totalTokens: number;
}

/** A reply that broke off midway and is asked for again. */
export interface RetryInfo {
  /** The attempt about to start (2 for the first retry). */
  attempt: number;
  /** The wait before it. */
  delayMs: number;
  /** What went wrong, e.g. "the connection was cut mid-reply". */
  reason: string;
}

/** One request to the model. */
export interface ModelRequest {
  /** The conversation so far (system prompt first). */
  messages: readonly ChatMessage[];
  /** The tools the model may call. */
  tools: readonly ToolSchema[];
  /** Aborting stops the request promptly; {@linkcode Model.complete} then rejects with the reason. */
  signal?: AbortSignal;
  /** Receives the assistant's text as it streams. */
  onText?: (delta: string) => void;
  /** Told when a reply broke off midway and is asked for again: its text starts over. */
  onRetry?: (retry: RetryInfo) => void;
}

/** The model's answer: text, tool calls, or both. */
export interface ModelReply {
  /** The assistant's text; null when it sent none. */
  content: string | null;
  /**
   * The tool calls, each with an id. Arguments are passed on as the model sent them
   * (possibly empty or not JSON); the agent checks them.
   */
  toolCalls: ToolCall[];
  /** Token usage, when the server reported it. */
  usage?: Usage;
}

/**
 * A language model that answers a conversation, possibly with tool calls.
 *
 * @example
 * ```ts
 * import type { Model, ModelReply, ModelRequest } from "./model.ts";
 * const echo: Model = {
 *   name: "echo",
 *   complete(request: ModelRequest): Promise<ModelReply> {
 *     const last = request.messages.at(-1);
 *     const text = last?.role === "user" ? last.content : "";
 *     request.onText?.(text);
 *     return Promise.resolve({ content: text, toolCalls: [] });
 *   },
 * };
 * console.log((await echo.complete({ messages: [{ role: "user", content: "hi" }], tools: [] })).content);
 * ```
 */
export interface Model {
  /** The model's name, for display (e.g. "gpt-4o-mini"). */
  readonly name: string;
  /**
   * Answers the conversation. Transient failures are retried inside; a final failure
   * rejects with a {@linkcode ModelError}.
   */
  complete(request: ModelRequest): Promise<ModelReply>;
}
