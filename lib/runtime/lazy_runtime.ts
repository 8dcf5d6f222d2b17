/**
 * A runtime that starts on first use, so `new Agent()` can be synchronous and
 * the container can start while the first model request is in flight.
 *
 * @module
 */

import { chooseSandbox, type SandboxChoice, startRuntime } from "./create_runtime.ts";
import { CONTAINER_WORKDIR } from "./docker_runtime.ts";
import { RuntimeError } from "./errors.ts";
import { hostShell } from "./local_runtime.ts";
import { type RuntimeOptions, syncModeFor } from "./options.ts";
import { emptySyncReport } from "./copy_sync.ts";
import type { BashOptions, BashResult, Runtime, SandboxInfo, SyncReport } from "./runtime.ts";

/**
 * A {@linkcode Runtime} that chooses and starts its sandbox on first use.
 *
 * @example
 * ```ts
 * import { LazyRuntime } from "./lazy_runtime.ts";
 * const rt = new LazyRuntime({ docker: false }); // nothing started yet
 * console.log((await rt.bash("echo hi")).stdout); // starts, then runs
 * await rt.cleanup();
 * ```
 */
export class LazyRuntime implements Runtime {
  readonly #options: RuntimeOptions;
  #choice: Promise<SandboxChoice> | undefined;
  #runtime: Promise<Runtime> | undefined;
  #started: Runtime | undefined;
  #cleaned = false;

  /**
   * Creates a `LazyRuntime`.
   * @param options As for {@linkcode createRuntime}. Nothing happens until first use.
   */
  constructor(options: RuntimeOptions = {}) {
    this.#options = options;
  }

  /** Chooses the sandbox (asks the engine) without waiting for it to start. */
  describe(): Promise<SandboxInfo> {
    return this.#choose().then(describeChoice);
  }

  /** Starts the runtime (once) and resolves to it. */
  start(): Promise<Runtime> {
    if (this.#cleaned) return Promise.reject(new RuntimeError("This runtime was cleaned up."));
    // A failed start is not kept: the next call tries again (the engine may be up by then).
    this.#runtime ??= this.#choose().then(startRuntime).then(
      (rt) => this.#started = rt,
      (error) => {
        this.#runtime = undefined;
        this.#choice = undefined;
        throw error;
      },
    );
    return this.#runtime;
  }

  /** True once the runtime has started. */
  get started(): boolean {
    return this.#started !== undefined;
  }

  /** `"docker"` or `"local"`; throws before the runtime has started. */
  get kind(): "docker" | "local" {
    return this.#ready().kind;
  }

  /** Host path of the workspace; throws before the runtime has started. */
  get workspace(): string {
    return this.#ready().workspace;
  }

  /** Where commands run; throws before the runtime has started. */
  get sandbox(): SandboxInfo {
    return this.#ready().sandbox;
  }

  /** Starts the runtime if needed, then runs the command. */
  async bash(cmd: string, options?: BashOptions): Promise<BashResult> {
    return (await this.start()).bash(cmd, options);
  }

  /** Starts the runtime if needed, then writes the file. */
  async writeFile(path: string, content: string | Uint8Array): Promise<void> {
    return (await this.start()).writeFile(path, content);
  }

  /** Starts the runtime if needed, then reads the file. */
  async readFile(path: string): Promise<string> {
    return (await this.start()).readFile(path);
  }

  /** A fresh shell; nothing to do before the runtime has started. */
  async reset(): Promise<void> {
    if (this.#runtime) await (await this.#runtime).reset();
  }

  /** Runs `work` with the sandbox paused once it has started; before that, nothing runs. */
  async frozen<T>(work: () => Promise<T>): Promise<T> {
    const runtime = this.#runtime && await this.#runtime.catch(() => undefined);
    return runtime ? await runtime.frozen(work) : await work();
  }

  /**
   * Syncs the started runtime's workspace (see `Runtime.sync`); nothing to do before it has
   * started, a start in progress included: its upload will carry the host's files, and a
   * cancelled step must not wait for an image pull, a container start and an upload.
   */
  async sync(): Promise<SyncReport> {
    return this.#started ? await this.#started.sync() : emptySyncReport();
  }

  /** Removes whatever was started; a no-op when nothing was. Safe to call twice. */
  async cleanup(): Promise<void> {
    this.#cleaned = true;
    const pending = this.#runtime;
    const choice = this.#choice;
    if (pending) {
      const runtime = await pending.catch(() => undefined);
      await runtime?.cleanup();
    } else if (choice) {
      const made = await choice.catch(() => undefined);
      if (made?.kind === "docker") made.client.close();
    }
  }

  /** Same as `cleanup()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.cleanup();
  }

  #choose(): Promise<SandboxChoice> {
    this.#choice ??= chooseSandbox(this.#options).catch((error) => {
      this.#choice = undefined;
      throw error;
    });
    return this.#choice;
  }

  #ready(): Runtime {
    if (!this.#started) {
      throw new RuntimeError("The runtime has not started yet; await runtime.start() first.");
    }
    return this.#started;
  }
}

function describeChoice(choice: SandboxChoice): SandboxInfo {
  const { options } = choice;
  if (choice.kind === "local") {
    return {
      kind: "local",
      os: options.os,
      shell: hostShell(options.os).name,
    };
  }
  return {
    kind: "docker",
    image: options.image,
    workdir: CONTAINER_WORKDIR,
    // The image's shell is known once the container runs; nearly every image has bash.
    shell: "bash",
    network: options.sandbox.network,
    sync: syncModeFor(options.sync, choice.client.endpoint),
  };
}
