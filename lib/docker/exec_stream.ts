/**
 * A hijacked exec stream: the HTTP upgrade of `POST /exec/{id}/start` over a
 * raw `Deno.connect` connection, then the multiplexed stream both ways.
 *
 * @module
 */

import { type DockerEndpoint, formatEndpoint } from "./endpoint.ts";
import { apiError, DockerConnectionError, DockerError } from "./errors.ts";
import { type Frame, FrameDecoder } from "./frames.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Opens a raw connection to the engine: unix socket, tcp, or tcp with TLS. */
export async function openConnection(endpoint: DockerEndpoint): Promise<Deno.Conn> {
  try {
    if (endpoint.transport === "unix") {
      return await Deno.connect({ transport: "unix", path: endpoint.path });
    }
    if (endpoint.tls) {
      return await Deno.connectTls({
        hostname: endpoint.hostname,
        port: endpoint.port,
        caCerts: [endpoint.tls.caCert],
        cert: endpoint.tls.cert,
        key: endpoint.tls.key,
      });
    }
    return await Deno.connect({ hostname: endpoint.hostname, port: endpoint.port });
  } catch (cause) {
    throw new DockerConnectionError(formatEndpoint(endpoint), cause);
  }
}

/**
 * A running exec's stdin, stdout and stderr over one connection.
 *
 * Output arrives as {@linkcode Frame}s through {@linkcode ExecStream.frames};
 * stdin is written with {@linkcode ExecStream.write} and ended with
 * {@linkcode ExecStream.closeWrite}.
 */
export class ExecStream {
  readonly #conn: Deno.Conn;
  readonly #endpoint: string;
  #initial: Uint8Array;
  #closed = false;

  /** @internal Made by {@linkcode startExecStream}. */
  constructor(conn: Deno.Conn, endpoint: string, initial: Uint8Array) {
    this.#conn = conn;
    this.#endpoint = endpoint;
    this.#initial = initial;
  }

  /**
   * Yields output until the exec ends (the engine closes the stream). Each
   * piece's bytes are valid until the next one is asked for. A broken
   * connection throws a {@linkcode DockerConnectionError}.
   */
  async *frames(): AsyncGenerator<Frame> {
    const frameDecoder = new FrameDecoder();
    if (this.#initial.length > 0) {
      yield* frameDecoder.push(this.#initial);
      this.#initial = new Uint8Array(0);
    }
    const buf = new Uint8Array(64 * 1024);
    while (true) {
      let n: number | null;
      try {
        n = await this.#conn.read(buf);
      } catch (cause) {
        // Podman ends the stream of an exec that exited without reading all of its stdin with a
        // reset, after all of its output: an end like a close. Whether the engine is still there
        // is for the caller's next call (the exec's inspect) to find, as after a close.
        if (this.#closed || cause instanceof Deno.errors.ConnectionReset) return;
        throw new DockerConnectionError(this.#endpoint, cause);
      }
      if (n === null) return;
      yield* frameDecoder.push(buf.subarray(0, n));
    }
  }

  /** Writes bytes to the exec's stdin. */
  async write(data: Uint8Array | string): Promise<void> {
    let bytes = typeof data === "string" ? encoder.encode(data) : data;
    try {
      while (bytes.length > 0) bytes = bytes.subarray(await this.#conn.write(bytes));
    } catch (cause) {
      throw new DockerConnectionError(this.#endpoint, cause);
    }
  }

  /** Ends stdin (end of file for the process) while output keeps flowing. */
  async closeWrite(): Promise<void> {
    try {
      await this.#conn.closeWrite();
    } catch {
      // Already closed: nothing left to end.
    }
  }

  /** Closes the connection both ways. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // Already closed by the peer.
    }
  }
}

/** Options of {@linkcode startExecStream}. */
export interface StartExecOptions {
  /**
   * Give up when the engine has not completed the upgrade after this long (a
   * hung engine), with a {@linkcode DockerConnectionError}. Default: no limit.
   */
  timeoutMs?: number;
  /** Aborting gives up at once, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Starts an exec created with `AttachStdin`/`AttachStdout`/`AttachStderr` and
 * returns its stream. The request is written by hand because `fetch` cannot
 * hand over an upgraded connection.
 */
export async function startExecStream(
  endpoint: DockerEndpoint,
  apiVersion: string,
  execId: string,
  options: StartExecOptions = {},
): Promise<ExecStream> {
  const where = formatEndpoint(endpoint);
  const path = `/v${apiVersion}/exec/${execId}/start`;
  const stop = stopSignal(options);
  const gaveUp = () => {
    if (options.signal?.aborted) return options.signal.reason;
    return new DockerConnectionError(
      where,
      new Error(`no answer to POST ${path} within ${options.timeoutMs} ms`),
    );
  };
  stop?.throwIfAborted();
  const connecting = openConnection(endpoint);
  const conn = await untilStopped(connecting, stop).catch((error) => {
    // A connection that comes after the caller gave up is closed, not leaked.
    connecting.then((late) => late.close(), () => {});
    throw stop?.aborted ? gaveUp() : error;
  });
  // Closing the connection ends a read or write that waits on a silent engine.
  const onStop = () => conn.close();
  stop?.addEventListener("abort", onStop, { once: true });
  const body = JSON.stringify({ Detach: false, Tty: false });
  const request = `POST ${path} HTTP/1.1\r\n` +
    "Host: docker\r\nContent-Type: application/json\r\n" +
    "Connection: Upgrade\r\nUpgrade: tcp\r\n" +
    `Content-Length: ${encoder.encode(body).length}\r\n\r\n${body}`;
  try {
    await conn.write(encoder.encode(request));
    const { status, rest, headers } = await readResponseHead(conn);
    if (status === 101 || status === 200) return new ExecStream(conn, where, rest);
    const message = await readErrorBody(conn, rest, headers);
    throw apiError(status, message);
  } catch (error) {
    try {
      conn.close();
    } catch { /* already closed */ }
    if (stop?.aborted) throw gaveUp();
    if (error instanceof DockerError) throw error;
    throw new DockerConnectionError(where, error);
  } finally {
    stop?.removeEventListener("abort", onStop);
  }
}

/** The caller's signal and the deadline as one signal, or undefined when there is neither. */
function stopSignal({ timeoutMs, signal }: StartExecOptions): AbortSignal | undefined {
  const signals = [signal, timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs)]
    .filter((s) => s !== undefined);
  return signals.length ? AbortSignal.any(signals) : undefined;
}

/** `promise`, or a rejection as soon as `stop` aborts. */
function untilStopped<T>(promise: Promise<T>, stop: AbortSignal | undefined): Promise<T> {
  if (!stop) return promise;
  return new Promise<T>((resolve, reject) => {
    const onStop = () => reject(stop.reason);
    stop.addEventListener("abort", onStop, { once: true });
    promise.then(resolve, reject).finally(() => stop.removeEventListener("abort", onStop));
  });
}

interface ResponseHead {
  status: number;
  headers: Map<string, string>;
  rest: Uint8Array;
}

async function readResponseHead(conn: Deno.Conn): Promise<ResponseHead> {
  let buf = new Uint8Array(0);
  const chunk = new Uint8Array(4096);
  while (true) {
    const end = indexOfHeadEnd(buf);
    if (end >= 0) {
      const [statusLine, ...lines] = decoder.decode(buf.subarray(0, end)).split("\r\n");
      const headers = new Map<string, string>();
      for (const line of lines) {
        const colon = line.indexOf(":");
        if (colon > 0) {
          headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
      }
      return { status: Number(statusLine.split(" ")[1]), headers, rest: buf.slice(end + 4) };
    }
    const n = await conn.read(chunk);
    if (n === null) throw new Error("the engine closed the connection before answering");
    const next = new Uint8Array(buf.length + n);
    next.set(buf);
    next.set(chunk.subarray(0, n), buf.length);
    buf = next;
  }
}

function indexOfHeadEnd(buf: Uint8Array): number {
  for (let i = 0; i + 3 < buf.length; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
  }
  return -1;
}

async function readErrorBody(
  conn: Deno.Conn,
  rest: Uint8Array,
  headers: Map<string, string>,
): Promise<string> {
  const length = Number(headers.get("content-length") ?? rest.length);
  let body = rest;
  const chunk = new Uint8Array(4096);
  while (body.length < length) {
    const n = await conn.read(chunk);
    if (n === null) break;
    const next = new Uint8Array(body.length + n);
    next.set(body);
    next.set(chunk.subarray(0, n), body.length);
    body = next;
  }
  const text = decoder.decode(body);
  try {
    return (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    return text.trim() || "the engine refused to start the exec";
  }
}
