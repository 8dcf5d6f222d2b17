/**
 * A scripted, OpenAI-compatible Chat Completions server for tests.
 *
 * It speaks HTTP/1.1 over a raw TCP listener (not `Deno.serve`) because a test
 * must be able to drop a connection before any response byte is written, and
 * `Deno.serve` always answers something (a throwing handler, `Response.error()`
 * or an errored body all still reach the client as a response).
 *
 * Every connection carries one request and is closed after its response
 * (`connection: close`), so nothing stays pooled between tests.
 *
 * @module
 */

import { concat } from "../../lib/runtime/output_buffer.ts";
import type OpenAI from "openai";

type ChatCompletion = OpenAI.ChatCompletion;
type ChatCompletionChunk = OpenAI.ChatCompletionChunk;
type ChatCompletionCreateParams = OpenAI.ChatCompletionCreateParams;
type CompletionUsage = OpenAI.CompletionUsage;
type ChunkDelta = OpenAI.ChatCompletionChunk.Choice.Delta;
type ChunkToolCall = OpenAI.ChatCompletionChunk.Choice.Delta.ToolCall;
type FinishReason = "stop" | "tool_calls" | "length";

/** One tool call in a scripted assistant message. */
export interface ScriptedToolCall {
  /** Omit for an id like "call_<n>"; null sends no id at all (servers that omit ids). */
  id?: string | null;
  /** The function name the model calls. */
  name: string;
  /** Sent as-is, may be "" or invalid JSON on purpose. */
  arguments: string;
}

/**
 * What the server does with one Chat Completions request.
 *
 * - `message`: an assistant message, as JSON or as an SSE stream (whichever the request asked for).
 *   `usage` defaults to `{ prompt_tokens: 10, completion_tokens: 5 }`; `null` sends none.
 *   `finishReason` defaults to `"tool_calls"` when there are tool calls, else `"stop"`.
 *   `content` defaults to `null` when there are tool calls, else `""`.
 * - `error`: an API error (`{ error: { message, type, param, code } }`) with the given status and
 *   extra headers, e.g. 429 with `{ "retry-after": "0" }`, 401 `invalid_api_key`.
 * - `drop`: the connection is closed before any response byte (the client should retry).
 * - `dropMidStream`: the response starts (for a stream: role chunk and `content` deltas), then the
 *   connection is cut. For a non-streamed request, half of the JSON body is sent.
 * - `hang`: no answer until the client goes away or the server closes; a stream gets its first
 *   chunk first.
 */
export type ScriptedReply =
  | {
    kind: "message";
    content?: string | null;
    toolCalls?: ScriptedToolCall[];
    usage?: { prompt_tokens: number; completion_tokens: number } | null;
    finishReason?: FinishReason;
    /** Milliseconds before the answer starts, as a real model takes to reply. Default 0. */
    delayMs?: number;
  }
  | {
    kind: "error";
    status: number;
    message: string;
    type?: string;
    code?: string | null;
    headers?: Record<string, string>;
  }
  | { kind: "drop" }
  | { kind: "dropMidStream"; content: string }
  | { kind: "hang" };

/** A Chat Completions request the server received, in arrival order. */
export interface RecordedRequest {
  /** The parsed JSON body, as the client sent it. */
  body: ChatCompletionCreateParams;
  /** The request headers, including `authorization` (never checked by the server). */
  headers: Headers;
}

/** Tuning for {@linkcode OpenAIServer.start}. */
export interface OpenAIServerOptions {
  /**
   * Streams are written in pieces of this many bytes, each its own chunk and write, so SSE
   * events straddle the client's reads. Raise it for long streams. Default: 7.
   */
  chunkSize?: number;
  /**
   * The only key the server accepts: any request without `authorization: Bearer <apiKey>` gets
   * 401 `invalid_api_key`, as OpenAI answers a wrong key. Default: every key (or none) is accepted.
   */
  apiKey?: string;
  /** The ids `GET /v1/models` lists, in order. Default: `["test-model"]`. */
  models?: string[];
}

/**
 * An OpenAI-compatible Chat Completions server on 127.0.0.1 that plays scripted replies.
 *
 * `POST /v1/chat/completions` takes the next reply of the script. Replies given to
 * {@linkcode OpenAIServer.start} as an array or added with {@linkcode OpenAIServer.push} are
 * played in order; a script function is asked only when no such reply is left. When nothing is
 * left the request gets a 500 error (with `x-should-retry: false`) saying the script ran out.
 * `GET /v1/models` lists {@linkcode OpenAIServerOptions.models} (default one model,
 * `"test-model"`); other paths get a 404 error body. With {@linkcode OpenAIServerOptions.apiKey}
 * set, a request bearing another key (or none) gets 401 `invalid_api_key` on every path.
 *
 * @example
 * ```ts
 * import OpenAI from "openai";
 * import { OpenAIServer } from "./openai_server.ts";
 *
 * await using server = await OpenAIServer.start([{ kind: "message", content: "Hi" }]);
 * const client = new OpenAI({ apiKey: "test", baseURL: server.baseURL, maxRetries: 0 });
 * const reply = await client.chat.completions.create({
 *   model: "test-model",
 *   messages: [{ role: "user", content: "Hello" }],
 * });
 * console.assert(reply.choices[0].message.content === "Hi");
 * ```
 */
export class OpenAIServer implements AsyncDisposable {
  /** The client's `baseURL`: `"http://127.0.0.1:PORT/v1"`. */
  readonly baseURL: string;
  /** Every Chat Completions request received so far, in arrival order. */
  readonly requests: RecordedRequest[] = [];

  readonly #listener: Deno.TcpListener;
  readonly #queue: ScriptedReply[];
  readonly #scriptFn?: (req: RecordedRequest, index: number) => ScriptedReply;
  readonly #chunkSize: number;
  readonly #apiKey: string | undefined;
  readonly #models: string[];
  readonly #conns = new Set<Deno.TcpConn>();
  readonly #tasks = new Set<Promise<void>>();
  #acceptLoop: Promise<void> = Promise.resolve();
  #closing = false;
  #closed?: Promise<void>;
  #responseCount = 0;
  #toolCallCount = 0;

  private constructor(
    listener: Deno.TcpListener,
    script: ScriptedReply[] | ((req: RecordedRequest, index: number) => ScriptedReply),
    chunkSize: number,
    options: OpenAIServerOptions,
  ) {
    this.#listener = listener;
    this.#apiKey = options.apiKey;
    this.#models = options.models ?? ["test-model"];
    this.baseURL = `http://127.0.0.1:${listener.addr.port}/v1`;
    this.#queue = Array.isArray(script) ? [...script] : [];
    if (typeof script === "function") this.#scriptFn = script;
    this.#chunkSize = chunkSize;
  }

  /**
   * Starts a server on 127.0.0.1 with a free port.
   *
   * @param script Replies to play in order, or a function that picks the reply for each request
   *   (`index` is its position in {@linkcode OpenAIServer.requests}).
   * @param options See {@linkcode OpenAIServerOptions}.
   */
  static start(
    script: ScriptedReply[] | ((req: RecordedRequest, index: number) => ScriptedReply) = [],
    options: OpenAIServerOptions = {},
  ): Promise<OpenAIServer> {
    return new Promise((resolve) => {
      const chunkSize = options.chunkSize ?? 7;
      if (!Number.isInteger(chunkSize) || chunkSize < 1) {
        throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
      }
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const server = new OpenAIServer(listener, script, chunkSize, options);
      server.#acceptLoop = server.#accept();
      resolve(server);
    });
  }

  /** Appends replies to the script; they are played after the replies already queued. */
  push(...replies: ScriptedReply[]): void {
    this.#queue.push(...replies);
  }

  /** Stops listening, cuts open connections (hanging ones too) and waits until all is settled. */
  close(): Promise<void> {
    this.#closed ??= this.#shutdown();
    return this.#closed;
  }

  /** Same as {@linkcode OpenAIServer.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    this.#closing = true;
    _tryClose(this.#listener);
    await this.#acceptLoop;
    for (const conn of this.#conns) _tryClose(conn);
    await Promise.allSettled([...this.#tasks]);
  }

  async #accept(): Promise<void> {
    while (true) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch {
        return; // the listener was closed
      }
      if (this.#closing) {
        _tryClose(conn);
        return;
      }
      this.#conns.add(conn);
      const task = this.#serve(conn);
      this.#tasks.add(task);
      task.finally(() => this.#tasks.delete(task));
    }
  }

  async #serve(conn: Deno.TcpConn): Promise<void> {
    try {
      conn.setNoDelay(true);
      const reader = new _ConnReader(conn);
      const request = await reader.readRequest();
      if (request !== null) await this.#route(conn, reader, request);
    } catch (error) {
      if (!this.#closing && !_isDisconnect(error)) {
        console.error("OpenAIServer: error while serving a request:", error);
      }
    } finally {
      this.#conns.delete(conn);
      _tryClose(conn);
    }
  }

  async #route(conn: Deno.TcpConn, reader: _ConnReader, request: _HttpRequest): Promise<void> {
    const requestId = `req_${++this.#responseCount}`;
    const path = request.target.split("?")[0];
    if (
      this.#apiKey !== undefined &&
      request.headers.get("authorization") !== `Bearer ${this.#apiKey}`
    ) {
      const given = request.headers.get("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
      await _writeError(conn, 401, requestId, {
        message: given
          ? `Incorrect API key provided: ${_maskKey(given)}. You can find your API key at ` +
            "https://platform.openai.com/account/api-keys."
          : "You didn't provide an API key.",
        type: "invalid_request_error",
        code: "invalid_api_key",
      });
      return;
    }
    if (request.method === "GET" && path === "/v1/models") {
      const created = _now();
      await _writeJson(conn, 200, requestId, {
        object: "list",
        data: this.#models.map((id) => ({
          id,
          object: "model",
          created,
          owned_by: "openai-server",
        })),
      });
      return;
    }
    if (request.method !== "POST" || path !== "/v1/chat/completions") {
      await _writeError(conn, 404, requestId, {
        message: `Invalid URL (${request.method} ${path})`,
        type: "invalid_request_error",
      });
      return;
    }
    const body = _parseBody(request.body);
    if (typeof body === "string") {
      await _writeError(conn, 400, requestId, { message: body, type: "invalid_request_error" });
      return;
    }
    const recorded: RecordedRequest = { body, headers: request.headers };
    const index = this.requests.push(recorded) - 1;
    let reply: ScriptedReply | undefined;
    try {
      reply = this.#queue.shift() ?? this.#scriptFn?.(recorded, index);
    } catch (error) {
      await _writeError(conn, 500, requestId, {
        message: `OpenAIServer script function threw on request #${index + 1}: ${error}`,
        type: "server_error",
        headers: { "x-should-retry": "false" },
      });
      return;
    }
    if (reply === undefined) {
      await _writeError(conn, 500, requestId, {
        message: `OpenAIServer script exhausted: request #${index + 1} (model ${
          JSON.stringify(body.model)
        }) has no scripted reply`,
        type: "server_error",
        headers: { "x-should-retry": "false" },
      });
      return;
    }
    if (reply.kind === "message" && reply.delayMs) {
      await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    }
    await this.#reply(conn, reader, body, reply, requestId);
  }

  async #reply(
    conn: Deno.TcpConn,
    reader: _ConnReader,
    body: ChatCompletionCreateParams,
    reply: ScriptedReply,
    requestId: string,
  ): Promise<void> {
    const stream = body.stream === true;
    const includeUsage = stream && body.stream_options?.include_usage === true;
    switch (reply.kind) {
      case "error":
        await _writeError(conn, reply.status, requestId, reply);
        return;
      case "drop":
        return; // #serve closes the connection
      case "hang":
        if (stream) {
          const sse = this.#sseWriter(conn, body, requestId, includeUsage);
          await sse.start();
          await sse.event(sse.chunk({ role: "assistant", content: "" }, null));
        }
        await reader.waitForEof();
        return;
      case "dropMidStream":
        if (stream) {
          const sse = this.#sseWriter(conn, body, requestId, includeUsage);
          await sse.start();
          await sse.event(sse.chunk({ role: "assistant", content: "" }, null));
          for (const piece of _splitText(reply.content)) {
            await sse.event(sse.chunk({ content: piece }, null));
          }
        } else {
          const completion = this.#completion(body, requestId, {
            kind: "message",
            content: reply.content,
          });
          const bytes = _encoder.encode(JSON.stringify(completion));
          await _writeHead(conn, 200, requestId, {
            "content-type": "application/json",
            "content-length": String(bytes.length),
          });
          await _writeAll(conn, bytes.subarray(0, Math.floor(bytes.length / 2)));
        }
        return;
      case "message":
        if (stream) await this.#stream(conn, body, requestId, reply, includeUsage);
        else await _writeJson(conn, 200, requestId, this.#completion(body, requestId, reply));
        return;
    }
  }

  #completion(
    body: ChatCompletionCreateParams,
    requestId: string,
    reply: Extract<ScriptedReply, { kind: "message" }>,
  ): _WireCompletion {
    const toolCalls = reply.toolCalls ?? [];
    const message: _WireMessage = {
      role: "assistant",
      content: reply.content !== undefined ? reply.content : toolCalls.length > 0 ? null : "",
      refusal: null,
      annotations: [],
    };
    if (toolCalls.length > 0) {
      message.tool_calls = toolCalls.map((call) => {
        const id = this.#toolCallId(call);
        return {
          ...(id === undefined ? {} : { id }),
          type: "function" as const,
          function: { name: call.name, arguments: call.arguments },
        };
      });
    }
    const completion: _WireCompletion = {
      id: _completionId(requestId),
      object: "chat.completion",
      created: _now(),
      model: body.model,
      choices: [{
        index: 0,
        message,
        logprobs: null,
        finish_reason: _finishReason(reply),
      }],
      service_tier: "default",
      system_fingerprint: "fp_openai_server",
    };
    const usage = _usage(reply);
    if (usage !== undefined) completion.usage = usage;
    return completion;
  }

  async #stream(
    conn: Deno.TcpConn,
    body: ChatCompletionCreateParams,
    requestId: string,
    reply: Extract<ScriptedReply, { kind: "message" }>,
    includeUsage: boolean,
  ): Promise<void> {
    const sse = this.#sseWriter(conn, body, requestId, includeUsage);
    await sse.start();
    await sse.event(sse.chunk({ role: "assistant", content: "" }, null));
    for (const piece of _splitText(reply.content ?? "")) {
      await sse.event(sse.chunk({ content: piece }, null));
    }
    for (const [index, call] of (reply.toolCalls ?? []).entries()) {
      const id = this.#toolCallId(call);
      const first: ChunkToolCall = {
        index,
        ...(id === undefined ? {} : { id }),
        type: "function",
        function: { name: call.name, arguments: "" },
      };
      await sse.event(sse.chunk({ tool_calls: [first] }, null));
      for (const piece of _splitText(call.arguments)) {
        await sse.event(
          sse.chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null),
        );
      }
    }
    await sse.event(sse.chunk({}, _finishReason(reply)));
    const usage = _usage(reply);
    if (includeUsage && usage !== undefined) {
      await sse.event({ ...sse.chunk({}, null), choices: [], usage });
    }
    await sse.done();
  }

  #sseWriter(
    conn: Deno.TcpConn,
    body: ChatCompletionCreateParams,
    requestId: string,
    includeUsage: boolean,
  ): _SseWriter {
    const id = _completionId(requestId);
    const created = _now();
    const chunkSize = this.#chunkSize;
    // Each piece goes out as its own HTTP chunk and its own write (TCP_NODELAY is on), so the
    // client reads at most chunkSize bytes at a time and most events straddle reads.
    const send = async (text: string) => {
      const bytes = _encoder.encode(text);
      for (let at = 0; at < bytes.length; at += chunkSize) {
        await _writeAll(conn, _chunkFrame(bytes.subarray(at, at + chunkSize)));
      }
    };
    return {
      start: () =>
        _writeHead(conn, 200, requestId, {
          "content-type": "text/event-stream; charset=utf-8",
          "cache-control": "no-cache",
          "transfer-encoding": "chunked",
        }),
      chunk: (delta, finishReason) => ({
        id,
        object: "chat.completion.chunk",
        created,
        model: body.model,
        service_tier: "default",
        system_fingerprint: "fp_openai_server",
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        ...(includeUsage ? { usage: null } : {}),
      }),
      event: (chunk) => send(`data: ${JSON.stringify(chunk)}\n\n`),
      done: async () => {
        await send("data: [DONE]\n\n");
        await _writeAll(conn, _encoder.encode("0\r\n\r\n"));
      },
    };
  }

  #toolCallId(call: ScriptedToolCall): string | undefined {
    if (call.id === null) return undefined;
    return call.id ?? `call_${++this.#toolCallCount}`;
  }
}

/** A `ChatCompletion` whose tool calls may lack an `id` (scripted with `id: null`). */
type _WireToolCall = Omit<OpenAI.ChatCompletionMessageFunctionToolCall, "id"> & { id?: string };
type _WireMessage = Omit<OpenAI.ChatCompletionMessage, "tool_calls"> & {
  tool_calls?: _WireToolCall[];
};
type _WireCompletion = Omit<ChatCompletion, "choices"> & {
  choices: Array<Omit<OpenAI.ChatCompletion.Choice, "message"> & { message: _WireMessage }>;
};

interface _SseWriter {
  start(): Promise<void>;
  chunk(
    delta: ChunkDelta,
    finishReason: FinishReason | null,
  ): ChatCompletionChunk;
  event(chunk: ChatCompletionChunk): Promise<void>;
  done(): Promise<void>;
}

interface _HttpRequest {
  method: string;
  target: string;
  headers: Headers;
  body: Uint8Array;
}

const _encoder = new TextEncoder();
const _decoder = new TextDecoder();
const _crlf = _encoder.encode("\r\n");
const _maxHeadBytes = 64 * 1024;

const _reasons: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  409: "Conflict",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** Reads one HTTP/1.1 request (head and body) from a connection, buffering what it over-reads. */
class _ConnReader {
  #conn: Deno.TcpConn;
  #buffer = new Uint8Array(0);

  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** The next request, or null when the peer closed before sending a full head. */
  async readRequest(): Promise<_HttpRequest | null> {
    const head = await this.#readUntil("\r\n\r\n", _maxHeadBytes);
    if (head === null) return null;
    const [requestLine, ...headerLines] = head.split("\r\n");
    const [method = "", target = "/"] = requestLine.split(" ");
    const headers = new Headers();
    for (const line of headerLines) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    let body: Uint8Array | null = new Uint8Array(0);
    if (headers.get("transfer-encoding")?.toLowerCase().includes("chunked")) {
      body = await this.#readChunkedBody();
    } else if (headers.has("content-length")) {
      body = await this.#readExactly(Number(headers.get("content-length")));
    }
    if (body === null) return null;
    return { method, target, headers, body };
  }

  /** Resolves when the peer closes its side (reading and discarding anything it sends). */
  async waitForEof(): Promise<void> {
    while (await this.#fill()) this.#buffer = new Uint8Array(0);
  }

  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(16 * 1024);
    const read = await this.#conn.read(chunk);
    if (read === null) return false;
    const joined = new Uint8Array(this.#buffer.length + read);
    joined.set(this.#buffer);
    joined.set(chunk.subarray(0, read), this.#buffer.length);
    this.#buffer = joined;
    return true;
  }

  async #readUntil(delimiter: string, limit: number): Promise<string | null> {
    const needle = _encoder.encode(delimiter);
    while (true) {
      const at = _indexOf(this.#buffer, needle);
      if (at >= 0) {
        const text = _decoder.decode(this.#buffer.subarray(0, at));
        this.#buffer = this.#buffer.slice(at + needle.length);
        return text;
      }
      if (this.#buffer.length > limit) throw new Error(`HTTP head larger than ${limit} bytes`);
      if (!await this.#fill()) return null;
    }
  }

  async #readExactly(length: number): Promise<Uint8Array | null> {
    if (!Number.isSafeInteger(length) || length < 0) {
      throw new Error(`invalid content-length ${length}`);
    }
    while (this.#buffer.length < length) {
      if (!await this.#fill()) return null;
    }
    const bytes = this.#buffer.slice(0, length);
    this.#buffer = this.#buffer.slice(length);
    return bytes;
  }

  async #readChunkedBody(): Promise<Uint8Array | null> {
    const parts: Uint8Array[] = [];
    while (true) {
      const sizeLine = await this.#readUntil("\r\n", 1024);
      if (sizeLine === null) return null;
      const size = parseInt(sizeLine.split(";")[0].trim(), 16);
      if (Number.isNaN(size)) throw new Error(`invalid chunk size line ${sizeLine}`);
      if (size === 0) {
        // Skip trailers up to the empty line.
        while (true) {
          const trailer = await this.#readUntil("\r\n", _maxHeadBytes);
          if (trailer === null) return null;
          if (trailer === "") break;
        }
        break;
      }
      const part = await this.#readExactly(size);
      if (part === null || await this.#readUntil("\r\n", 2) === null) return null;
      parts.push(part);
    }
    return concat(parts);
  }
}

function _indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/** Parses a Chat Completions body, or returns the error message the real API would give. */
function _parseBody(bytes: Uint8Array): ChatCompletionCreateParams | string {
  let value: unknown;
  try {
    value = JSON.parse(_decoder.decode(bytes));
  } catch {
    return "We could not parse the JSON body of your request. (HINT: This likely means you " +
      "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.)";
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return "The request body must be a JSON object.";
  }
  if (!("model" in value) || typeof value.model !== "string") {
    return "you must provide a model parameter";
  }
  if (!("messages" in value) || !Array.isArray(value.messages)) {
    return "Missing required parameter: 'messages'.";
  }
  return value as ChatCompletionCreateParams;
}

async function _writeAll(conn: Deno.TcpConn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

async function _writeHead(
  conn: Deno.TcpConn,
  status: number,
  requestId: string,
  headers: Record<string, string>,
): Promise<void> {
  const all = new Headers({
    "date": new Date().toUTCString(),
    "x-request-id": requestId,
    "openai-processing-ms": "1",
    ...headers,
  });
  all.set("connection", "close");
  let head = `HTTP/1.1 ${status} ${_reasons[status] ?? "Status"}\r\n`;
  for (const [name, value] of all) head += `${name}: ${value}\r\n`;
  await _writeAll(conn, _encoder.encode(`${head}\r\n`));
}

async function _writeJson(
  conn: Deno.TcpConn,
  status: number,
  requestId: string,
  value: unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  const bytes = _encoder.encode(JSON.stringify(value));
  await _writeHead(conn, status, requestId, {
    "content-type": "application/json",
    ...headers,
    "content-length": String(bytes.length),
  });
  await _writeAll(conn, bytes);
}

function _writeError(
  conn: Deno.TcpConn,
  status: number,
  requestId: string,
  error: {
    message: string;
    type?: string;
    code?: string | null;
    headers?: Record<string, string>;
  },
): Promise<void> {
  const type = error.type ??
    (status >= 500 ? "server_error" : status === 429 ? "requests" : "invalid_request_error");
  const body = { error: { message: error.message, type, param: null, code: error.code ?? null } };
  return _writeJson(conn, status, requestId, body, error.headers);
}

function _finishReason(reply: Extract<ScriptedReply, { kind: "message" }>): FinishReason {
  return reply.finishReason ?? ((reply.toolCalls?.length ?? 0) > 0 ? "tool_calls" : "stop");
}

function _usage(reply: Extract<ScriptedReply, { kind: "message" }>): CompletionUsage | undefined {
  if (reply.usage === null) return undefined;
  const { prompt_tokens, completion_tokens } = reply.usage ??
    { prompt_tokens: 10, completion_tokens: 5 };
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/** Splits text into a handful of small pieces of whole code points (none for ""). */
function _splitText(text: string): string[] {
  const chars = Array.from(text);
  const size = Math.max(4, Math.ceil(chars.length / 12));
  const pieces: string[] = [];
  for (let at = 0; at < chars.length; at += size) {
    pieces.push(chars.slice(at, at + size).join(""));
  }
  return pieces;
}

/** One HTTP/1.1 chunked-encoding frame: size in hex, CRLF, the bytes, CRLF. */
function _chunkFrame(piece: Uint8Array): Uint8Array {
  const size = _encoder.encode(`${piece.length.toString(16)}\r\n`);
  const frame = new Uint8Array(size.length + piece.length + _crlf.length);
  frame.set(size);
  frame.set(piece, size.length);
  frame.set(_crlf, size.length + piece.length);
  return frame;
}

function _completionId(requestId: string): string {
  return `chatcmpl-${requestId.slice("req_".length)}`;
}

/** A key as OpenAI shows it in an error: its first and last few characters. */
function _maskKey(key: string): string {
  return key.length <= 8 ? "*".repeat(key.length) : `${key.slice(0, 3)}***${key.slice(-4)}`;
}

function _now(): number {
  return Math.floor(Date.now() / 1000);
}

function _tryClose(closer: { close(): void }): void {
  try {
    closer.close();
  } catch {
    // Already closed.
  }
}

function _isDisconnect(error: unknown): boolean {
  return error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted ||
    error instanceof Deno.errors.UnexpectedEof;
}
