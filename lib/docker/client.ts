/**
 * Pygent's own Docker Engine API client: plain calls through `fetch` over the
 * engine's socket (keep-alive, chunked bodies and JSON-lines streams come from
 * Deno's HTTP client), exec streams through {@linkcode startExecStream}.
 *
 * @module
 */

import { X509Certificate } from "node:crypto";
import {
  candidateEndpoints,
  type DockerEndpoint,
  type DockerTls,
  type EnvLookup,
  formatEndpoint,
  hostAndPort,
} from "./endpoint.ts";
import {
  apiError,
  type ConnectionProblem,
  DockerConnectionError,
  DockerError,
  DockerUnavailableError,
} from "./errors.ts";
import { type ExecStream, startExecStream } from "./exec_stream.ts";
import type {
  ContainerCreateBody,
  ContainerInspect,
  ContainerProcess,
  ContainerSummary,
  ContainerTop,
  EngineInfo,
  EngineIsolation,
  EngineVersion,
  ExecCreateBody,
  ExecInspect,
  ImageInspect,
  PullProgress,
} from "./types.ts";

/** The newest API version this client speaks; engines newer than this are asked for it. */
export const CLIENT_API_VERSION = "1.47";
/** The oldest engine API this client works with (Docker 20.10, Podman's compatible API). */
export const MIN_API_VERSION = "1.41";

/** Options of one API request. */
export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** A JSON body, or raw bytes or a stream of them (tar archives, image archives). */
  body?: unknown;
  signal?: AbortSignal;
  /**
   * Give up when the engine has not answered after this long, so a hung engine
   * fails the call instead of hanging it. Default: the client's
   * {@linkcode DockerClient.requestTimeoutMs}; `null` for streams that last (image pulls).
   */
  timeoutMs?: number | null;
  /**
   * For a transfer that may take as long as it keeps moving (archives): instead of
   * `timeoutMs`, fail with a {@linkcode DockerConnectionError} only when no byte of the body
   * or of the answer moved for this long, or the engine left the whole body unanswered as long.
   */
  stallTimeoutMs?: number;
  /** The size of a streamed body when known ahead, for the error of a transfer that stalls. */
  bodySize?: number;
}

/** How long an API call (or an exec's start) may wait for the engine by default. */
export const REQUEST_TIMEOUT_MS = 15_000;

/** Options for {@linkcode DockerClient.connect}. */
export interface ConnectOptions {
  /** Use this endpoint instead of looking one up. */
  endpoint?: DockerEndpoint;
  /** Environment lookup for `DOCKER_HOST` and friends (defaults to `Deno.env`). */
  env?: EnvLookup;
  /** Give up on an endpoint that has not answered after this long. Default 5 000 ms. */
  timeoutMs?: number;
  /**
   * How long each later call may wait for the engine before it fails with a
   * {@linkcode DockerConnectionError}. Default {@linkcode REQUEST_TIMEOUT_MS}.
   */
  requestTimeoutMs?: number;
}

/**
 * A connection to one Docker engine at one negotiated API version.
 *
 * @example
 * ```ts
 * import { DockerClient } from "./client.ts";
 * const docker = await DockerClient.connect();
 * console.log(docker.apiVersion, (await docker.version()).Version);
 * docker.close();
 * ```
 */
export class DockerClient {
  /** Where the engine listens. */
  readonly endpoint: DockerEndpoint;
  /** The API version every request uses: the lower of the engine's and {@linkcode CLIENT_API_VERSION}. */
  readonly apiVersion: string;
  /** What `GET /version` answered. */
  readonly engine: EngineVersion;
  /** How long a call may wait for the engine (see {@linkcode ConnectOptions.requestTimeoutMs}). */
  readonly requestTimeoutMs: number;
  readonly #http: Deno.HttpClient;
  readonly #base: string;
  #isolation: Promise<EngineIsolation> | undefined;
  #closed = false;

  private constructor(
    endpoint: DockerEndpoint,
    http: Deno.HttpClient,
    engine: EngineVersion,
    requestTimeoutMs: number,
  ) {
    this.endpoint = endpoint;
    this.#http = http;
    this.#base = baseUrl(endpoint);
    this.engine = engine;
    this.apiVersion = lowerVersion(engine.ApiVersion, CLIENT_API_VERSION);
    this.requestTimeoutMs = requestTimeoutMs;
  }

  /**
   * Finds an engine (see {@linkcode candidateEndpoints}), asks its version and
   * negotiates the API version. Throws {@linkcode DockerUnavailableError}
   * naming every endpoint tried when none answers, and a {@linkcode DockerConnectionError}
   * when an engine is there but the TLS settings do not fit it (wrong or expired client
   * certificate, an engine certificate from another CA, TLS on one side only): trying other
   * endpoints would hide the one thing to fix.
   */
  static async connect(options: ConnectOptions = {}): Promise<DockerClient> {
    const endpoints = options.endpoint ? [options.endpoint] : candidateEndpoints(options.env);
    const attempts: string[] = [];
    if (endpoints.length === 0) {
      attempts.push("no socket on Windows; set DOCKER_HOST=tcp://localhost:2375");
    }
    for (const endpoint of endpoints) {
      const where = formatEndpoint(endpoint);
      if (endpoint.transport === "unix") {
        const problem = await socketProblem(endpoint.path);
        if (problem) {
          attempts.push(`${where}: ${problem}`);
          continue;
        }
      }
      const http = createHttpClient(endpoint);
      try {
        const response = await fetch(`${baseUrl(endpoint)}/version`, {
          client: http,
          signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
        });
        if (!response.ok) {
          const text = await response.text();
          const known = tlsProblem(endpoint, text);
          if (known) throw new DockerConnectionError(where, new Error(text.trim()), known);
          attempts.push(`${where}: answered ${response.status} ${text}`);
          http.close();
          continue;
        }
        const engine = await response.json() as EngineVersion;
        if (compareVersions(engine.ApiVersion, MIN_API_VERSION) < 0) {
          http.close();
          throw new DockerError(
            `The Docker engine at ${where} speaks API ${engine.ApiVersion}; Pygent needs ${MIN_API_VERSION} ` +
              "or newer (Docker 20.10+). Upgrade the engine.",
          );
        }
        return new DockerClient(
          endpoint,
          http,
          engine,
          options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
        );
      } catch (error) {
        http.close();
        if (error instanceof DockerError) throw error;
        const known = tlsProblem(endpoint, errorMessages(error).join(": "));
        if (known) throw new DockerConnectionError(where, error, known);
        attempts.push(`${where}: ${describeConnectFailure(error)}`);
      }
    }
    throw new DockerUnavailableError(attempts);
  }

  /** Sends one API request and returns the response; engine errors become typed errors. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(`${this.#base}/v${this.apiVersion}${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const where = formatEndpoint(this.endpoint);
    const watch = options.stallTimeoutMs === undefined
      ? undefined
      : new StallWatch(options.stallTimeoutMs, where, `${method} ${path}`);
    const timeoutMs = watch
      ? null
      : options.timeoutMs === undefined
      ? this.requestTimeoutMs
      : options.timeoutMs;
    const timeout = timeoutMs === null ? undefined : AbortSignal.timeout(timeoutMs);
    const signals = [options.signal, timeout, watch?.signal].filter((s) => s !== undefined);
    const init: RequestInit & { client: Deno.HttpClient } = {
      method,
      client: this.#http,
      signal: signals.length ? AbortSignal.any(signals) : undefined,
    };
    if (options.body instanceof Uint8Array || options.body instanceof ReadableStream) {
      const body = options.body as Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>;
      init.body = watch ? watch.upload(body, options.bodySize) : body;
      init.headers = { "content-type": "application/x-tar" };
    } else if (options.body !== undefined) {
      init.body = JSON.stringify(options.body);
      init.headers = { "content-type": "application/json" };
    }
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (cause) {
      if (watch?.error) throw watch.error;
      watch?.end();
      if (options.signal?.aborted) throw cause;
      const why = timeout?.aborted
        ? new Error(`no answer to ${method} ${path} within ${timeoutMs} ms`)
        : cause;
      throw new DockerConnectionError(where, why);
    }
    if (watch) response = watch.download(response);
    if (response.ok || response.status === 304) return response;
    const { message, cause } = await errorBody(response);
    throw apiError(response.status, message, cause);
  }

  async #json<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
    const response = await this.request(method, path, options);
    return await response.json() as T;
  }

  async #void(method: string, path: string, options?: RequestOptions): Promise<void> {
    const response = await this.request(method, path, options);
    await response.body?.cancel();
  }

  /** `GET /_ping`: true when the engine answers "OK". */
  async ping(): Promise<boolean> {
    const response = await this.request("GET", "/_ping");
    return (await response.text()) === "OK";
  }

  /** `GET /version`. */
  version(): Promise<EngineVersion> {
    return this.#json("GET", "/version");
  }

  /** `GET /info`: the engine's settings (rootless, cgroup version, security options). */
  info(): Promise<EngineInfo> {
    return this.#json("GET", "/info");
  }

  /**
   * How the engine isolates containers, asked once (`GET /info`): rootless Podman says so in
   * its own `Rootless` field, rootless Docker with `name=rootless` among its security options.
   */
  isolation(): Promise<EngineIsolation> {
    return this.#isolation ??= this.info().then((info) => {
      const rootless = info.Rootless === true ||
        (info.SecurityOptions ?? []).some((option) => option.split(",").includes("name=rootless"));
      return {
        podman: isPodman(this.engine),
        rootless,
        enforcesLimits: !rootless || info.CgroupVersion === "2",
      };
    }).catch((error) => {
      this.#isolation = undefined;
      throw error;
    });
  }

  /** `GET /images/{name}/json`; throws `DockerNotFoundError` when the image is not here. */
  inspectImage(name: string): Promise<ImageInspect> {
    return this.#json("GET", `/images/${encodeURIComponent(name)}/json`);
  }

  /**
   * `POST /images/create`: pulls `image` (tag `latest` when none is given),
   * reporting each progress line. An error line in the stream throws.
   */
  async pullImage(
    image: string,
    onProgress?: (progress: PullProgress) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const response = await this.request("POST", "/images/create", {
      query: { fromImage: image, tag: hasTagOrDigest(image) ? undefined : "latest" },
      signal,
      timeoutMs: null,
    });
    for await (const line of jsonLines<PullProgress>(response)) {
      if (line.error || line.errorDetail) {
        throw apiError(500, line.errorDetail?.message ?? line.error ?? "pull failed");
      }
      onProgress?.(line);
    }
  }

  /** `POST /containers/create`; returns the new container's id. */
  async createContainer(body: ContainerCreateBody, name?: string): Promise<string> {
    const created = await this.#json<{ Id: string }>("POST", "/containers/create", {
      query: { name },
      body,
    });
    return created.Id;
  }

  /** `POST /containers/{id}/start`. */
  startContainer(id: string): Promise<void> {
    return this.#void("POST", `/containers/${id}/start`);
  }

  /**
   * `GET /containers/{id}/top`: the container's processes as the engine's host sees them, so
   * nothing inside the container can make them up: each one's host pid and its state (`ps`'s
   * STAT, e.g. `S`, `R`, `T` for stopped). Docker runs `ps -o pid,stat` on its host; Podman's
   * compatible endpoint reads the processes itself and takes its own descriptors (`hpid,state`)
   * instead of `ps` options. An answer without both columns (Podman answers an empty body when
   * it cannot) throws a {@linkcode DockerError}: a check built on this fails closed.
   */
  async containerProcesses(id: string): Promise<ContainerProcess[]> {
    const podman = isPodman(this.engine);
    const response = await this.request("GET", `/containers/${id}/top`, {
      query: { ps_args: podman ? "hpid,state" : "-o pid,stat" },
    });
    const text = await response.text();
    const top = text.trim() ? JSON.parse(text) as ContainerTop : undefined;
    const pid = top?.Titles.indexOf(podman ? "HPID" : "PID") ?? -1;
    const state = top?.Titles.indexOf(podman ? "STATE" : "STAT") ?? -1;
    if (!top || pid < 0 || state < 0) {
      const where = formatEndpoint(this.endpoint);
      const answer = JSON.stringify(text.slice(0, 200));
      throw new DockerError(
        `The engine at ${where} did not list container ${id.slice(0, 12)}'s processes with ` +
          `their host pids and states (it answered ${answer}).`,
      );
    }
    return top.Processes.map((row) => ({ hostPid: row[pid], state: row[state] ?? "" }));
  }

  /** `GET /containers/{id}/json`. */
  inspectContainer(id: string): Promise<ContainerInspect> {
    return this.#json("GET", `/containers/${id}/json`);
  }

  /**
   * `DELETE /containers/{id}`, by default forced (kills it if running) with its anonymous volumes;
   * `timeoutMs` in place of the client's {@linkcode DockerClient.requestTimeoutMs}.
   */
  removeContainer(
    id: string,
    options: { force?: boolean; timeoutMs?: number } = {},
  ): Promise<void> {
    return this.#void("DELETE", `/containers/${id}`, {
      query: { force: options.force ?? true, v: true },
      timeoutMs: options.timeoutMs,
    });
  }

  /** `GET /containers/json`, all states, filtered (e.g. `{ label: ["pygent.session"] }`). */
  listContainers(filters: Record<string, string[]> = {}): Promise<ContainerSummary[]> {
    return this.#json("GET", "/containers/json", {
      query: { all: true, filters: JSON.stringify(filters) },
    });
  }

  /** `POST /containers/{id}/exec`; returns the exec id. */
  async createExec(
    containerId: string,
    body: ExecCreateBody,
    signal?: AbortSignal,
  ): Promise<string> {
    const created = await this.#json<{ Id: string }>("POST", `/containers/${containerId}/exec`, {
      body,
      signal,
    });
    return created.Id;
  }

  /**
   * `POST /exec/{id}/start`, hijacked: the exec's stdin and output as a stream.
   * An engine that has not answered within {@linkcode DockerClient.requestTimeoutMs}
   * fails it with a {@linkcode DockerConnectionError}; aborting `signal` gives up at once.
   */
  startExec(execId: string, signal?: AbortSignal): Promise<ExecStream> {
    return startExecStream(this.endpoint, this.apiVersion, execId, {
      timeoutMs: this.requestTimeoutMs,
      signal,
    });
  }

  /** `GET /exec/{id}/json`. */
  inspectExec(execId: string): Promise<ExecInspect> {
    return this.#json("GET", `/exec/${execId}/json`);
  }

  /**
   * `PUT /containers/{id}/archive`: extracts a tar archive (whole, or streamed as it is made)
   * into `path` inside the container. However large, it may take as long as it keeps moving:
   * it fails with a {@linkcode DockerConnectionError} only once the engine has taken nothing
   * for {@linkcode DockerClient.requestTimeoutMs} (see {@linkcode RequestOptions.stallTimeoutMs}).
   * @param size A streamed archive's size when known ahead, or about it: the error of an upload
   *   that stalls says how far it got.
   */
  putArchive(
    containerId: string,
    path: string,
    tar: Uint8Array | ReadableStream<Uint8Array>,
    size?: number,
  ): Promise<void> {
    return this.#void("PUT", `/containers/${containerId}/archive`, {
      query: { path },
      body: tar,
      bodySize: size,
      stallTimeoutMs: this.requestTimeoutMs,
    });
  }

  /**
   * `GET /containers/{id}/archive`: `path` inside the container as a tar archive, which may
   * take as long as it keeps coming (as {@linkcode DockerClient.putArchive}).
   */
  async getArchive(containerId: string, path: string): Promise<Uint8Array> {
    const response = await this.request("GET", `/containers/${containerId}/archive`, {
      query: { path },
      stallTimeoutMs: this.requestTimeoutMs,
    });
    return new Uint8Array(await response.arrayBuffer());
  }

  /**
   * `POST /commit`: a new image of container `id`'s filesystem and settings, with `changes`
   * (Dockerfile instructions, one a line, e.g. `LABEL a="b"\nLABEL c="d"`: Podman takes only
   * one pair per `LABEL`) applied. Returns the image's id.
   */
  async commitContainer(
    id: string,
    options: { changes?: string; repo?: string; tag?: string } = {},
  ): Promise<string> {
    const created = await this.#json<{ Id: string }>("POST", "/commit", {
      query: { container: id, ...options },
      // No settings beyond `changes`; Podman refuses a commit without a body.
      body: {},
    });
    // Docker's form (`sha256:…`): Podman answers the bare digest, which its own image
    // endpoints then take for a name (a 500, not a 404, once the image is removed).
    return /^[0-9a-f]{64}$/.test(created.Id) ? `sha256:${created.Id}` : created.Id;
  }

  /** `DELETE /images/{name}`; throws `DockerNotFoundError` when the image is not here. */
  removeImage(name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.#void("DELETE", `/images/${encodeURIComponent(name)}`, {
      query: { force: options.force ?? false },
    });
  }

  /** Closes the HTTP client's pooled connections. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#http.close();
  }
}

/** The most bytes handed to the connection at once: each piece taken is a sign of progress. */
const UPLOAD_PIECE = 64 * 1024;

/**
 * The watchdog of one transfer (see {@linkcode RequestOptions.stallTimeoutMs}). Its timer runs
 * only while it is the engine's turn (to take the next piece of the body, to answer, to send
 * the next piece of its answer), not while the body is being made or the answer consumed, and
 * starts again at each piece that moves; when it runs out, the request is aborted with a
 * {@linkcode DockerConnectionError} that says how far the transfer got.
 */
class StallWatch {
  /** What the transfer failed with, once it stalled. */
  error: DockerConnectionError | undefined;
  readonly #ms: number;
  readonly #where: string;
  readonly #what: string;
  readonly #abort = new AbortController();
  /** Rejected with {@linkcode StallWatch.error} when the transfer stalls. */
  readonly #stalled = Promise.withResolvers<never>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Bytes of the body taken by the connection, and the body's size when known. */
  #sent = 0;
  #size: number | undefined;
  /**
   * Where the transfer is: sending the body, waiting for the answer, reading it, or over (the
   * request failed): the body may still be read after the answer came, or the request failed.
   */
  #phase: "sending" | "sent" | "receiving" | "ended" = "sent";
  #received = 0;
  #expected: number | undefined;

  /**
   * Starts the timer: the engine is to take the body, or to answer, first.
   * @param what The request, as `METHOD path`, for the error.
   */
  constructor(ms: number, where: string, what: string) {
    // Only a download's read waits on it: unhandled otherwise.
    this.#stalled.promise.catch(() => {});
    this.#ms = ms;
    this.#where = where;
    this.#what = what;
    this.#wait();
  }

  /** Aborted when the transfer stalls, with {@linkcode StallWatch.error} as its reason. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** `body`, handed to the connection in pieces of at most {@linkcode UPLOAD_PIECE} bytes. */
  upload(
    body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>,
    size?: number,
  ): ReadableStream<Uint8Array> {
    const reader = (body instanceof Uint8Array ? ReadableStream.from([body]) : body).getReader();
    this.#size = body instanceof Uint8Array ? body.length : size;
    this.#phase = "sending";
    let rest: Uint8Array = new Uint8Array();
    let handed = 0;
    // No queue ahead of the connection (high water mark 0): being asked for the next piece
    // means the last one was taken.
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (this.#phase === "sending") this.stop();
        this.#sent += handed;
        handed = 0;
        while (rest.length === 0) {
          const next = await reader.read();
          if (next.done) {
            controller.close();
            // Only while the answer is still awaited: one that came, or a request that failed,
            // must not get a timer that would hold the process and abort a finished request.
            if (this.#phase !== "sending") return;
            this.#phase = "sent";
            this.#wait();
            return;
          }
          rest = next.value;
        }
        const piece = rest.subarray(0, UPLOAD_PIECE);
        rest = rest.subarray(piece.length);
        handed = piece.length;
        controller.enqueue(piece);
        if (this.#phase === "sending") this.#wait();
      },
      cancel: (reason) => reader.cancel(reason),
    }, { highWaterMark: 0 });
  }

  /**
   * The engine answered: `response` with its body watched as it is read, and failing with a
   * {@linkcode DockerConnectionError} when the connection breaks or stalls in the middle.
   */
  download(response: Response): Response {
    this.stop();
    this.#phase = "receiving";
    if (!response.body || NULL_BODY_STATUSES.has(response.status)) return response;
    const reader = response.body.getReader();
    this.#expected = Number(response.headers.get("content-length")) || undefined;
    const body = new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        this.#wait();
        try {
          // A read already waiting is not ended by the abort (Deno's fetch): the stall ends it.
          const next = await Promise.race([reader.read(), this.#stalled.promise]);
          this.stop();
          if (next.done) return controller.close();
          this.#received += next.value.length;
          controller.enqueue(next.value);
        } catch (cause) {
          this.stop();
          controller.error(this.error ?? new DockerConnectionError(this.#where, cause));
          await reader.cancel().catch(() => {});
        }
      },
      cancel: (reason) => {
        this.stop();
        return reader.cancel(reason);
      },
    }, { highWaterMark: 0 });
    const { status, statusText, headers } = response;
    return new Response(body, { status, statusText, headers });
  }

  /** Stops the timer: something moved (until the engine's turn comes again), or the request ended. */
  stop(): void {
    clearTimeout(this.#timer);
  }

  /** The request failed: the timer stops for good, whatever of the body is still read. */
  end(): void {
    this.#phase = "ended";
    this.stop();
  }

  #wait(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#stall(), this.#ms);
  }

  #stall(): void {
    const ms = `${this.#ms} ms`;
    const of = (total: number | undefined) => total === undefined ? "" : ` of ${total}`;
    const problem = this.#phase === "sending"
      ? `the upload (${this.#what}) stalled after ${this.#sent} bytes${of(this.#size)}: ` +
        `the engine took nothing for ${ms}`
      : this.#phase === "receiving"
      ? `the download (${this.#what}) stalled after ${this.#received} bytes${
        of(this.#expected)
      }: nothing came for ${ms}`
      : this.#sent > 0
      ? `the engine took the whole upload (${this.#what}, ${this.#sent} bytes) but did not ` +
        `answer within ${ms}`
      : `no answer to ${this.#what} within ${ms}`;
    this.error = new DockerConnectionError(this.#where, new Error(problem), {
      problem,
      remedy: "Check that the engine and the network to it are up. A slow link is fine as " +
        `long as data moves; one that pauses for longer than ${ms} needs a longer engine timeout.`,
    });
    this.#abort.abort(this.error);
    this.#stalled.reject(this.error);
  }
}

/** Statuses whose answers have no body: a `Response` with one cannot be made. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function baseUrl(endpoint: DockerEndpoint): string {
  if (endpoint.transport === "unix") return "http://docker";
  return `${endpoint.tls ? "https" : "http"}://${hostAndPort(endpoint)}`;
}

function createHttpClient(endpoint: DockerEndpoint): Deno.HttpClient {
  if (endpoint.transport === "unix") {
    return Deno.createHttpClient({ proxy: { transport: "unix", path: endpoint.path } });
  }
  if (endpoint.tls) {
    return Deno.createHttpClient({
      caCerts: [endpoint.tls.caCert],
      cert: endpoint.tls.cert,
      key: endpoint.tls.key,
    });
  }
  return Deno.createHttpClient({});
}

async function socketProblem(path: string): Promise<string | undefined> {
  try {
    await Deno.stat(path);
    return undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "no socket there";
    if (error instanceof Deno.errors.PermissionDenied) return describeConnectFailure(error);
    return (error as Error).message;
  }
}

function describeConnectFailure(error: unknown): string {
  if (error instanceof DOMException && error.name === "TimeoutError") {
    return "no answer within the timeout";
  }
  const messages = errorMessages(error);
  const all = messages.join(": ");
  if (/permission denied/i.test(all)) {
    return "permission denied; add your user to the docker group " +
      "(sudo usermod -aG docker $USER, then log in again)";
  }
  if (/connection refused/i.test(all)) return "connection refused (is the engine running?)";
  if (/no such file/i.test(all)) return "no socket there";
  return messages.at(-1) ?? String(error);
}

/** The messages of an error and its causes, outermost first: fetch wraps the socket's own error. */
function errorMessages(error: unknown): string[] {
  const messages: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) messages.push(e.message);
  return messages;
}

/**
 * What a failed first request to a `tcp://` engine says about the TLS settings, if anything.
 * `failure` is the error chain's messages, or the body of an error answer. What Deno reports:
 * a client certificate the engine does not trust (another CA, expired, none) ends in
 * "received fatal alert: BadCertificate" (Go's TLS server sends that alert for each);
 * an engine certificate our CA did not sign, "invalid peer certificate: UnknownIssuer";
 * TLS against a plain port, "received corrupt message of type InvalidContentType"; and plain
 * HTTP against a TLS port gets a 400 "Client sent an HTTP request to an HTTPS server.".
 */
function tlsProblem(endpoint: DockerEndpoint, failure: string): ConnectionProblem | undefined {
  if (endpoint.transport !== "tcp") return undefined;
  const { tls } = endpoint;
  if (!tls) {
    if (!/HTTP request to an HTTPS server/i.test(failure)) return undefined;
    return {
      problem: "it expects TLS on this port, and the client spoke plain HTTP",
      remedy: "Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder holding the " +
        "engine's ca.pem and your cert.pem and key.pem.",
    };
  }
  const dir = tls.certPath ?? "DOCKER_CERT_PATH";
  const alert = /received fatal alert: (\w+)/i.exec(failure)?.[1];
  if (alert) return refusedClientCertificate(tls, dir, alert);
  const peer = /invalid peer certificate: (\w+)/i.exec(failure)?.[1];
  if (peer === "UnknownIssuer") {
    return {
      problem: `its certificate is not signed by the CA in ${dir}/ca.pem`,
      remedy: "Point DOCKER_CERT_PATH at this engine's certificates (the ca.pem that signed " +
        "its --tlscert).",
    };
  }
  if (peer) {
    return {
      problem: `its certificate is not accepted (${peer})`,
      remedy: "Check that DOCKER_HOST names the host the engine's certificate was made for and " +
        "that the certificate is still valid.",
    };
  }
  if (/InvalidContentType|corrupt message/i.test(failure)) {
    return {
      problem: "it does not speak TLS on this port",
      remedy: "Unset DOCKER_TLS_VERIFY for a plain port, or use the engine's TLS port " +
        "(usually 2376).",
    };
  }
  return undefined;
}

/** The engine sent a TLS alert: our client certificate is expired, not yet valid, or not trusted. */
function refusedClientCertificate(tls: DockerTls, dir: string, alert: string): ConnectionProblem {
  const { validFrom, validTo } = certificateValidity(tls.cert);
  const now = new Date();
  if (validTo && validTo < now) {
    return {
      problem: `it refused the client certificate ${dir}/cert.pem, which expired on ${
        validTo.toISOString().slice(0, 10)
      }`,
      remedy: "Renew the certificate (a new cert.pem signed by the engine's CA) and put it in " +
        "DOCKER_CERT_PATH.",
    };
  }
  if (validFrom && validFrom > now) {
    return {
      problem:
        `it refused the client certificate ${dir}/cert.pem, which is valid only from ${validFrom.toISOString()}`,
      remedy: "Check this machine's clock, or wait until the certificate is valid.",
    };
  }
  return {
    problem: `it refused the client certificate ${dir}/cert.pem (TLS alert ${alert})`,
    remedy: "Check that DOCKER_CERT_PATH holds the cert.pem and key.pem made for this engine, " +
      "signed by the CA it trusts (its --tlscacert).",
  };
}

/** When a PEM certificate is valid; nothing for one that cannot be parsed. */
function certificateValidity(pem: string): { validFrom?: Date; validTo?: Date } {
  try {
    const cert = new X509Certificate(pem);
    return { validFrom: new Date(cert.validFrom), validTo: new Date(cert.validTo) };
  } catch {
    // Not a certificate we can read: say what the engine said, without dates.
    return {};
  }
}

/** An error answer's message, and the `cause` Podman names beside it (`{cause, message, response}`). */
async function errorBody(response: Response): Promise<{ message: string; cause?: string }> {
  const text = await response.text();
  try {
    const parsed = JSON.parse(text) as { message?: string; cause?: string };
    if (parsed.message) return { message: parsed.message, cause: parsed.cause };
  } catch {
    // Not JSON: fall through to the raw text.
  }
  return { message: text.trim() || `${response.status} ${response.statusText}` };
}

/** Yields each JSON object of a newline-delimited JSON body. */
async function* jsonLines<T>(response: Response): AsyncGenerator<T> {
  if (!response.body) return;
  let buffered = "";
  for await (const text of response.body.pipeThrough(new TextDecoderStream())) {
    buffered += text;
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) yield JSON.parse(line) as T;
    }
  }
  if (buffered.trim()) yield JSON.parse(buffered) as T;
}

function hasTagOrDigest(image: string): boolean {
  if (image.includes("@")) return true;
  const lastSlash = image.lastIndexOf("/");
  return image.slice(lastSlash + 1).includes(":");
}

/**
 * True when `GET /version` came from Podman's Docker-compatible API (it lists a "Podman Engine"
 * component), for the few calls whose request must differ; answers are told apart by shape.
 */
export function isPodman(engine: EngineVersion): boolean {
  return (engine.Components ?? []).some((component) => /podman/i.test(component.Name));
}

/** Compares dotted versions numerically: negative when `a` is older. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function lowerVersion(a: string, b: string): string {
  return compareVersions(a, b) <= 0 ? a : b;
}
