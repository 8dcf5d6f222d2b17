/**
 * A unix socket in front of the real engine, for the engine's failure paths:
 * it forwards everything, can be cut like an engine going away, and can make
 * the start of an exec (`POST /exec/{id}/start`) hang at a chosen point, as a
 * hung engine does: a socket that accepts and never answers.
 *
 * @module
 */

/**
 * How an exec's start is answered:
 * - `forward`: as the engine answers it;
 * - `silent`: never (the request is read, nothing is written back);
 * - `half-head`: the first line of the upgrade's answer, then nothing;
 * - `mute-after-head`: the whole upgrade, then none of the exec's output.
 */
export type ExecStartMode = "forward" | "silent" | "half-head" | "mute-after-head";

const HEAD_END = new Uint8Array([13, 10, 13, 10]);
/** The bytes passed on at a time by a throttled proxy. */
const THROTTLE_SLICE = 16 * 1024;

/** A proxy to the engine's socket whose exec starts, or whole answers, can be made to hang. */
export class EngineProxy {
  /** The proxy's socket: `DOCKER_HOST=unix://${path}`. */
  readonly path: string;
  /** How the next exec starts are answered; change it at any time. */
  execStart: ExecStartMode = "forward";
  /**
   * While true the engine answers nothing more on any connection, open or new:
   * what it sends is dropped, as by an engine that hangs.
   */
  frozen = false;
  /**
   * While true the engine's answer to `POST /containers/create` never arrives,
   * though the engine makes the container: an engine too slow for the client.
   */
  loseCreateAnswers = false;
  /**
   * When set, what is sent to the engine on every connection goes at most this fast, as over
   * a slow link.
   */
  uploadBytesPerSecond: number | undefined;
  /** When set, what the engine answers on every connection comes at most this fast. */
  downloadBytesPerSecond: number | undefined;
  /**
   * When set, an archive upload (`PUT /containers/{id}/archive`) is forwarded up to about this
   * many bytes, then nothing more of it is read, as by an engine that stopped reading.
   */
  stallUploadsAfter: number | undefined;
  /**
   * How long a stalled upload is held before its connection is cut on both sides, as when the
   * client's giving up reaches the engine (an engine holds the container until then); unset,
   * until the proxy closes.
   */
  cutStalledUploadsAfterMs: number | undefined;
  /** When an upload was last held back by {@linkcode EngineProxy.stallUploadsAfter}. */
  uploadStalledAt: number | undefined;
  readonly #closed = Promise.withResolvers<void>();
  readonly #listener: Deno.UnixListener;
  readonly #conns = new Set<Deno.Conn>();

  private constructor(path: string, listener: Deno.UnixListener, target: string) {
    this.path = path;
    this.#listener = listener;
    this.#accept(target);
  }

  /**
   * Listens in a new temporary folder, forwarding to `target` (the engine's socket): by default
   * the one a `unix://` `DOCKER_HOST` names (Podman's, for `deno task test:podman`).
   */
  static async start(
    target = Deno.env.get("DOCKER_HOST")?.match(/^unix:\/\/(\/.*)$/)?.[1] ?? "/var/run/docker.sock",
  ): Promise<EngineProxy> {
    const path = `${await Deno.makeTempDir({ prefix: "pygent-proxy-" })}/engine.sock`;
    return new EngineProxy(path, Deno.listen({ transport: "unix", path }), target);
  }

  /** An environment lookup that points `DOCKER_HOST` at the proxy. */
  env(name: string): string | undefined {
    return name === "DOCKER_HOST" ? `unix://${this.path}` : Deno.env.get(name);
  }

  /** Cuts every connection and stops listening, like an engine that went away. */
  close(): void {
    this.#closed.resolve();
    try {
      this.#listener.close();
    } catch { /* closed */ }
    for (const conn of this.#conns) {
      try {
        conn.close();
      } catch { /* closed */ }
    }
    this.#conns.clear();
  }

  /** Waits {@linkcode EngineProxy.cutStalledUploadsAfterMs}, or until the proxy closes. */
  async #holdStalled(): Promise<void> {
    const ms = this.cutStalledUploadsAfterMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cut = new Promise<void>((resolve) => {
      if (ms !== undefined) timer = setTimeout(resolve, ms);
    });
    await Promise.race([cut, this.#closed.promise]);
    clearTimeout(timer);
  }

  #unlessFrozen(lost: () => boolean): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream({
      transform: async (chunk, controller) => {
        if (this.frozen || lost()) return;
        await throttle(chunk, controller, this.downloadBytesPerSecond);
      },
    });
  }

  async #accept(target: string) {
    try {
      for await (const conn of this.#listener) this.#serve(conn, target).catch(() => {});
    } catch {
      // Listener closed.
    }
  }

  async #serve(client: Deno.Conn, target: string) {
    this.#conns.add(client);
    const first = new Uint8Array(64 * 1024);
    const n = await client.read(first);
    if (n === null) return;
    const request = first.subarray(0, n);
    const isExecStart = /^POST \S*\/exec\/[^/]+\/start /.test(new TextDecoder().decode(request));
    const mode = isExecStart ? this.execStart : "forward";
    if (mode === "silent" || this.frozen) return;
    if (mode === "half-head") {
      await client.write(new TextEncoder().encode("HTTP/1.1 101 UPGRADED\r\n"));
      return;
    }
    const upstream = await Deno.connect({ transport: "unix", path: target });
    this.#conns.add(upstream);
    // Requests on a kept-alive connection are watched too: once a create went up on it, its
    // answers are dropped when asked to.
    let answersLost = false;
    const watch = (bytes: Uint8Array) => {
      const creates = /^POST \S*\/containers\/create/.test(new TextDecoder().decode(bytes));
      if (creates && this.loseCreateAnswers) answersLost = true;
    };
    /** Bytes of the archive upload going up on this connection, if one is. */
    let archiveBytes: number | undefined;
    /** Starts counting at a request's start that is an archive upload, stops at any other. */
    const count = (bytes: Uint8Array) => {
      const head = new TextDecoder().decode(bytes.subarray(0, 200));
      if (!/^[A-Z]+ \S+ HTTP\/1\.1\r\n/.test(head)) return;
      archiveBytes = /^PUT \S*\/containers\/[^/]+\/archive/.test(head) ? 0 : undefined;
    };
    watch(request);
    count(request);
    if (archiveBytes !== undefined) archiveBytes = request.length;
    await upstream.write(request);
    client.readable.pipeThrough(
      new TransformStream({
        transform: async (chunk, controller) => {
          watch(chunk);
          count(chunk);
          if (archiveBytes !== undefined) {
            archiveBytes += chunk.length;
            if (this.stallUploadsAfter !== undefined && archiveBytes > this.stallUploadsAfter) {
              this.uploadStalledAt = performance.now();
              await this.#holdStalled();
              for (const conn of [client, upstream]) {
                try {
                  conn.close();
                } catch { /* closed */ }
              }
              return;
            }
          }
          await throttle(chunk, controller, this.uploadBytesPerSecond);
        },
      }),
    ).pipeTo(upstream.writable).catch(() => {});
    const answer = mode === "mute-after-head"
      ? upstream.readable.pipeThrough(headOnly())
      : upstream.readable;
    answer.pipeThrough(this.#unlessFrozen(() => answersLost)).pipeTo(client.writable).catch(
      () => {},
    );
  }
}

/** Passes `chunk` on, in slices paced at `bytesPerSecond` when it is set. */
async function throttle(
  chunk: Uint8Array,
  controller: TransformStreamDefaultController<Uint8Array>,
  bytesPerSecond: number | undefined,
) {
  if (bytesPerSecond === undefined) return controller.enqueue(chunk);
  for (let at = 0; at < chunk.length; at += THROTTLE_SLICE) {
    const slice = chunk.subarray(at, at + THROTTLE_SLICE);
    controller.enqueue(slice);
    await new Promise((resolve) => setTimeout(resolve, (slice.length / bytesPerSecond) * 1000));
  }
}

/** Passes bytes up to the end of the HTTP head, then drops the rest. */
function headOnly(): TransformStream<Uint8Array, Uint8Array> {
  let matched = 0;
  let done = false;
  return new TransformStream({
    transform(chunk, controller) {
      if (done) return;
      for (let i = 0; i < chunk.length; i++) {
        matched = chunk[i] === HEAD_END[matched] ? matched + 1 : chunk[i] === 13 ? 1 : 0;
        if (matched === HEAD_END.length) {
          done = true;
          controller.enqueue(chunk.slice(0, i + 1));
          return;
        }
      }
      controller.enqueue(chunk);
    },
  });
}
