/**
 * The default {@linkcode Model}: OpenAI Chat Completions with tools, streamed,
 * through `npm:openai`, against OpenAI or any compatible server (Ollama, vLLM,
 * OpenRouter, LM Studio).
 *
 * Retries: the SDK retries a 429 (honouring `retry-after`), a 5xx and a
 * connection that fails before the reply starts; a reply that breaks off
 * midway is asked for again here. A final failure is a {@linkcode ModelError}.
 *
 * @module
 */

import OpenAI from "openai";
import {
  ContextTooLongError,
  MissingApiKeyError,
  ModelAuthError,
  ModelError,
  ModelNotFoundError,
  ModelRateLimitError,
  ModelRequestError,
  ModelUnavailableError,
} from "./errors.ts";
import type { ToolCall } from "./history.ts";
import type { Model, ModelReply, ModelRequest, Usage } from "./model.ts";
import { DEFAULT_MODEL, type GetEnv, processEnv } from "./settings.ts";

/** OpenAI's own API, used when no base URL is given. */
export const OPENAI_API_URL = "https://api.openai.com/v1";
/** The variable an API key is read from when none is given, as OpenAI's own SDK does. */
export const DEFAULT_API_KEY_ENV = "OPENAI_API_KEY";

/**
 * Options of {@linkcode OpenAIModel}. Like OpenAI's own SDK, a model without `apiKey` or
 * `baseURL` reads `OPENAI_API_KEY` and `OPENAI_BASE_URL`; no other setting comes from the
 * environment.
 */
export interface OpenAIModelOptions {
  /** The model. Default `gpt-4o-mini`. */
  model?: string;
  /**
   * The API key; required only with OpenAI's own base URL. Default: the variable
   * `apiKeyEnv` names.
   */
  apiKey?: string;
  /** The variable holding the API key, read when `apiKey` is not given. Default `OPENAI_API_KEY`. */
  apiKeyEnv?: string;
  /** Default `OPENAI_BASE_URL`, else OpenAI's API. */
  baseURL?: string;
  /** Retries of a transient failure (429, 5xx, a dropped connection). Default 2. */
  maxRetries?: number;
  /**
   * Stream the reply (default), so its text shows as it comes. `false` asks for whole replies,
   * for servers that cannot stream tool calls; the text then comes in one piece.
   */
  stream?: boolean;
  /** Where `OPENAI_BASE_URL` and the API key's variable are read from; defaults to `Deno.env`. */
  getEnv?: GetEnv;
}

/**
 * A model behind the OpenAI Chat Completions API, streamed.
 *
 * @example
 * ```ts
 * import { OpenAIModel } from "./openai_model.ts";
 * const model = new OpenAIModel({ baseURL: "http://localhost:11434/v1", model: "qwen2.5" });
 * const reply = await model.complete({
 *   messages: [{ role: "user", content: "Say hi" }],
 *   tools: [],
 *   onText: (delta) => console.log(delta),
 * });
 * console.log(reply.content, reply.usage);
 * ```
 */
export class OpenAIModel implements Model {
  /** The model's name. */
  readonly name: string;
  /** The server's base URL. */
  readonly baseURL: string;
  readonly #client: OpenAI;
  readonly #maxRetries: number;
  readonly #streaming: boolean;

  /** Throws {@linkcode MissingApiKeyError} when no key is set for OpenAI's own API. */
  constructor(options: OpenAIModelOptions = {}) {
    const getEnv = options.getEnv ?? processEnv;
    this.name = options.model ?? DEFAULT_MODEL;
    this.baseURL = options.baseURL ?? (getEnv("OPENAI_BASE_URL")?.trim() || OPENAI_API_URL);
    const apiKeyEnv = options.apiKeyEnv ?? DEFAULT_API_KEY_ENV;
    const apiKey = options.apiKey ?? (getEnv(apiKeyEnv)?.trim() || undefined);
    if (apiKey === undefined && this.baseURL.replace(/\/+$/, "") === OPENAI_API_URL) {
      throw new MissingApiKeyError(apiKeyEnv);
    }
    this.#maxRetries = options.maxRetries ?? 2;
    this.#streaming = options.stream ?? true;
    this.#client = new OpenAI({
      apiKey: apiKey ?? "none",
      baseURL: this.baseURL,
      maxRetries: this.#maxRetries,
    });
  }

  /** Asks for one reply, streamed unless `stream: false`; see {@linkcode Model.complete}. */
  async complete(request: ModelRequest): Promise<ModelReply> {
    for (let attempt = 1;; attempt++) {
      try {
        return await this.#request(request);
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        if (!(error instanceof _BrokenReply)) throw this.#explain(error);
        if (attempt > this.#maxRetries) {
          throw new ModelUnavailableError(this.baseURL, error.message, attempt, undefined, {
            cause: error.cause,
          });
        }
        const delayMs = Math.min(500 * 2 ** (attempt - 1), 8000) * (1 - Math.random() * 0.25);
        request.onRetry?.({ attempt: attempt + 1, delayMs, reason: error.message });
        await _sleep(delayMs, request.signal);
      }
    }
  }

  async #request(request: ModelRequest): Promise<ModelReply> {
    const params = {
      model: this.name,
      messages: request.messages as OpenAI.ChatCompletionMessageParam[],
      ...(request.tools.length > 0 ? { tools: request.tools as OpenAI.ChatCompletionTool[] } : {}),
    };
    const options = { signal: request.signal };
    const reply = new _ReplyBuilder();
    const onText = (text: string) => text && request.onText?.(text);
    try {
      if (this.#streaming) {
        const stream = await this.#client.chat.completions.create({
          ...params,
          stream: true,
          stream_options: { include_usage: true },
        }, options);
        for await (const chunk of stream) onText(reply.addChunk(chunk));
      } else {
        const completion = await this.#client.chat.completions.create(params, options);
        onText(reply.addCompletion(completion));
      }
    } catch (error) {
      if (request.signal?.aborted || error instanceof OpenAI.APIError) throw error;
      throw new _BrokenReply("the connection was cut mid-reply", error);
    }
    // The SDK ends a stream quietly when it is aborted: an abort must not pass for a reply.
    request.signal?.throwIfAborted();
    return reply.build();
  }

  /** The typed error for a final failure the SDK reported. */
  #explain(error: unknown): unknown {
    if (!(error instanceof OpenAI.APIError)) return error;
    const detail = _serverMessage(error);
    const attempts = this.#maxRetries + 1;
    const status = error.status;
    const options = { cause: error };
    if (status === undefined) return new ModelUnavailableError(this.baseURL, detail, attempts);
    if (status === 401 || status === 403) return new ModelAuthError(detail, status, options);
    if (status === 404 || error.code === "model_not_found") {
      return new ModelNotFoundError(this.name, this.baseURL, detail, options);
    }
    if (
      error.code === "context_length_exceeded" ||
      (status === 400 || status === 413) && /context|too many tokens|too long/i.test(detail)
    ) {
      return new ContextTooLongError(detail, status, options);
    }
    if (status === 429) return new ModelRateLimitError(detail, attempts, options);
    if (status >= 500 || status === 408 || status === 409) {
      return new ModelUnavailableError(
        this.baseURL,
        `${status}: ${detail}`,
        attempts,
        status,
        options,
      );
    }
    return new ModelRequestError(detail, status, options);
  }
}

/** A streamed reply that broke off: retried, unlike the errors the SDK reports. */
class _BrokenReply extends ModelError {
  constructor(message: string, cause?: unknown) {
    super(message, undefined, { cause });
  }
}

/** Assembles a streamed reply from its chunks, tolerating servers that differ from OpenAI. */
class _ReplyBuilder {
  #content = "";
  #calls: { id?: string; name: string; arguments: string }[] = [];
  #byIndex = new Map<number, number>();
  #usage: Usage | undefined;

  /** Takes one streamed chunk; returns its text delta ("" when none). */
  addChunk(chunk: OpenAI.ChatCompletionChunk): string {
    this.#addUsage(chunk.usage);
    const delta = chunk.choices?.[0]?.delta;
    for (const call of delta?.tool_calls ?? []) this.#addToolCall(call);
    return this.#addText(delta?.content);
  }

  /** Takes a whole (non-streamed) reply; returns its text ("" when none). */
  addCompletion(completion: OpenAI.ChatCompletion): string {
    this.#addUsage(completion.usage);
    const message = completion.choices?.[0]?.message;
    for (const [index, call] of (message?.tool_calls ?? []).entries()) {
      if ("function" in call) this.#addToolCall({ index, id: call.id, function: call.function });
    }
    return this.#addText(message?.content);
  }

  #addUsage(usage: OpenAI.CompletionUsage | null | undefined): void {
    if (!usage) return;
    const promptTokens = usage.prompt_tokens ?? 0;
    const completionTokens = usage.completion_tokens ?? 0;
    this.#usage = {
      promptTokens,
      completionTokens,
      totalTokens: usage.total_tokens ?? promptTokens + completionTokens,
    };
  }

  #addText(text: string | null | undefined): string {
    if (typeof text !== "string") return "";
    this.#content += text;
    return text;
  }

  #addToolCall(delta: OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall): void {
    let at = typeof delta.index === "number" ? this.#byIndex.get(delta.index) : undefined;
    const isNew = at === undefined &&
      (typeof delta.index === "number" || this.#calls.length === 0 ||
        (delta.id !== undefined && this.#calls.every((call) => call.id !== delta.id)));
    if (isNew) {
      at = this.#calls.push({ name: "", arguments: "" }) - 1;
      if (typeof delta.index === "number") this.#byIndex.set(delta.index, at);
    }
    const call = this.#calls[at ?? this.#calls.length - 1];
    if (delta.id) call.id ??= delta.id;
    const name = delta.function?.name;
    // Some servers repeat the whole name in every chunk; OpenAI sends it once.
    if (name && name !== call.name) call.name += name;
    call.arguments += delta.function?.arguments ?? "";
  }

  build(): ModelReply {
    const toolCalls: ToolCall[] = this.#calls.map((call) => ({
      id: call.id || _newCallId(),
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
    const content = this.#content !== "" ? this.#content : null;
    return { content, toolCalls, ...(this.#usage ? { usage: this.#usage } : {}) };
  }
}

function _newCallId(): string {
  return `call_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

function _serverMessage(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error;
  if (typeof body === "object" && body !== null && "message" in body) {
    const message = body.message;
    if (typeof message === "string" && message) return message;
  }
  return error.message;
}

function _sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
