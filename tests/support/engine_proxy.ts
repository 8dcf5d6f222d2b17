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

  #unlessFrozen(lost: () => boolean): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream({
      transform: (chunk, controller) => {
        if (!this.frozen && !lost()) controller.enqueue(chunk);
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
    watch(request);
    await upstream.write(request);
    client.readable.pipeThrough(
      new TransformStream({
        transform(chunk, controller) {
          watch(chunk);
          controller.enqueue(chunk);
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
