/**
 * The Docker runtime: one locked-down container per session, the workspace
 * bind-mounted at `/workspace`, every command through one long-lived shell
 * on a hijacked exec stream.
 *
 * @module
 */

import {
  type ContainerCreateBody,
  DockerApiError,
  type DockerClient,
  DockerConflictError,
  DockerNotFoundError,
  type ExecStream,
} from "../docker/mod.ts";
import { SandboxLostError } from "./errors.ts";
import type { ResolvedRuntimeOptions } from "./options.ts";
import { CONTAINER_KILL_FUNCTION } from "./process_tree.ts";
import type { BashOptions, BashResult, Runtime, SandboxInfo } from "./runtime.ts";
import { type RunningCommand, Shell, type ShellChunk, type ShellProcess } from "./shell.ts";
import type { Workspace } from "./workspace.ts";
import { VERSION } from "../version.ts";

/** Where the workspace appears inside the container. */
export const CONTAINER_WORKDIR = "/workspace";
/** Label every Pygent container carries, with the session id as its value. */
export const SESSION_LABEL = "pygent.session";
/** Label naming the process (`host:pid`) that owns the container. */
export const OWNER_LABEL = "pygent.owner";
/** Label holding the workspace's host path. */
export const WORKSPACE_LABEL = "pygent.workspace";
/** Label set when the workspace is a temporary folder Pygent made. */
export const TEMPORARY_WORKSPACE_LABEL = "pygent.workspace.temporary";

const SHELL_CMD = [
  "/bin/sh",
  "-c",
  "command -v bash >/dev/null 2>&1 && exec bash --noprofile --norc; exec sh",
];
/** Keeps the container alive without a child process: `read` waits on the open stdin. */
const KEEP_ALIVE = ["/bin/sh", "-c", "read _ || while :; do sleep 3600; done"];
/** HOME for a uid the image does not know: somewhere writable. */
const SANDBOX_HOME = "/tmp";

/**
 * The container settings for a session: locked down unless an option loosens them.
 *
 * @param sessionId Hex id that names and labels the container.
 */
export function containerConfig(
  options: ResolvedRuntimeOptions,
  workspace: Workspace,
  sessionId: string,
): ContainerCreateBody {
  const asRoot = options.user === "root" || Deno.uid() === null;
  const env = Object.entries(options.env).map(([k, v]) => `${k}=${v}`);
  if (!asRoot) env.unshift(`HOME=${SANDBOX_HOME}`);
  return {
    Image: options.image,
    Entrypoint: [KEEP_ALIVE[0]],
    Cmd: KEEP_ALIVE.slice(1),
    ...(options.user === "root"
      ? { User: "0:0" }
      : asRoot
      ? {}
      : { User: `${Deno.uid()}:${Deno.gid()}` }),
    Env: env,
    WorkingDir: CONTAINER_WORKDIR,
    OpenStdin: true,
    NetworkDisabled: !options.network,
    Labels: {
      [SESSION_LABEL]: sessionId,
      [OWNER_LABEL]: `${Deno.hostname()}:${Deno.pid}`,
      "pygent.version": VERSION,
      [WORKSPACE_LABEL]: workspace.path,
      // A temporary workspace is Pygent's to remove, even after a session killed outright.
      ...(workspace.temporary ? { [TEMPORARY_WORKSPACE_LABEL]: "true" } : {}),
    },
    HostConfig: {
      Binds: [`${workspace.path}:${CONTAINER_WORKDIR}`],
      NetworkMode: options.network ? "bridge" : "none",
      Memory: options.memoryBytes,
      MemorySwap: options.memoryBytes,
      PidsLimit: options.pidsLimit,
      ...(options.cpus ? { NanoCpus: Math.round(options.cpus * 1e9) } : {}),
      // Root keeps Docker's default capabilities (apt-get needs chown, setuid…); others get none.
      CapDrop: options.user === "root" ? [] : ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      Privileged: false,
      Init: true,
      Tmpfs: { "/tmp": "rw,exec,nosuid,nodev,mode=1777" },
    },
  };
}

/**
 * A session's container and its shell.
 *
 * Made by {@linkcode createRuntime}; see {@linkcode Runtime} for the methods.
 */
export class DockerRuntime implements Runtime {
  readonly kind = "docker";
  readonly #client: DockerClient;
  readonly #options: ResolvedRuntimeOptions;
  readonly #workspace: Workspace;
  readonly #sessionId: string;
  readonly #shell: Shell;
  readonly #controller: Shell;
  #containerId: string | undefined;
  /** The controller's start, and the container it was started for. */
  #controllerReady: { containerId: string | undefined; started: Promise<void> } | undefined;
  #oomKills = "0";
  #cleaned = false;

  private constructor(client: DockerClient, options: ResolvedRuntimeOptions, workspace: Workspace) {
    this.#client = client;
    this.#options = options;
    this.#workspace = workspace;
    this.#sessionId = Array.from(
      crypto.getRandomValues(new Uint8Array(4)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    this.#shell = new Shell({
      spawn: () => this.#spawnShell(),
      outputLimit: options.outputLimit,
      explainKill: (code) => this.#explainKill(code),
    });
    this.#controller = new Shell({ spawn: () => this.#spawnController() });
  }

  /**
   * Creates and starts the session's container (pulling the image when it is
   * missing) and its shell.
   */
  static async create(
    client: DockerClient,
    options: ResolvedRuntimeOptions,
    workspace: Workspace,
  ): Promise<DockerRuntime> {
    const runtime = new DockerRuntime(client, options, workspace.withAliases([CONTAINER_WORKDIR]));
    try {
      await runtime.#shell.start();
    } catch (error) {
      await runtime.cleanup();
      throw error;
    }
    return runtime;
  }

  /** Host path of the workspace. */
  get workspace(): string {
    return this.#workspace.path;
  }

  /** The container's id, once created. */
  get containerId(): string | undefined {
    return this.#containerId;
  }

  /** The container's name, `pygent-<session id>`. */
  get containerName(): string {
    return `pygent-${this.#sessionId}`;
  }

  /** Where commands run. */
  get sandbox(): SandboxInfo {
    return {
      kind: "docker",
      image: this.#options.image,
      workdir: CONTAINER_WORKDIR,
      shell: this.#shell.kind ?? "sh",
      network: this.#options.network,
    };
  }

  /** Runs a command in the session's shell. */
  async bash(cmd: string, options?: BashOptions): Promise<BashResult> {
    const result = await this.#shell.run(cmd, options);
    // The controller (which stops runaway commands) starts after the first command, off the
    // start-up path; it must exist before a fork bomb exhausts the pids limit.
    this.#readyController().catch(() => {});
    return result;
  }

  /** Writes a workspace file from the host side, as the host user. */
  writeFile(path: string, content: string | Uint8Array): Promise<void> {
    return this.#workspace.writeFile(path, content);
  }

  /** Reads a workspace file from the host side. */
  readFile(path: string): Promise<string> {
    return this.#workspace.readFile(path);
  }

  /** Starts a fresh shell in `/workspace`. */
  reset(): Promise<void> {
    return this.#shell.reset();
  }

  /** Removes the container (one forced delete) and the temporary workspace. */
  async cleanup(): Promise<void> {
    if (this.#cleaned) return;
    this.#cleaned = true;
    const id = this.#containerId;
    this.#containerId = undefined;
    try {
      // Removing the container first ends both shells' streams at once.
      if (id) await this.#client.removeContainer(id).catch(ignoreNotFound);
      await Promise.all([this.#shell.close(), this.#controller.close()]);
    } finally {
      this.#client.close();
      await this.#workspace.dispose();
    }
  }

  /** Same as `cleanup()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.cleanup();
  }

  async #ensureContainer(): Promise<string> {
    if (this.#containerId) return this.#containerId;
    const config = containerConfig(this.#options, this.#workspace, this.#sessionId);
    let id: string;
    try {
      id = await this.#client.createContainer(config, this.containerName);
    } catch (error) {
      if (!(error instanceof DockerNotFoundError)) throw error;
      await this.#pull();
      id = await this.#client.createContainer(config, this.containerName);
    }
    this.#containerId = id;
    await this.#client.startContainer(id);
    this.#oomKills = "0";
    return id;
  }

  async #pull(): Promise<void> {
    const image = this.#options.image;
    this.#options.onEvent({ type: "notice", message: `Pulling image ${image}…` });
    try {
      await this.#client.pullImage(image, (p) =>
        this.#options.onEvent({
          type: "pull",
          image,
          status: p.status ?? "",
          ...(p.id ? { id: p.id } : {}),
          ...(p.progressDetail?.total
            ? { current: p.progressDetail.current ?? 0, total: p.progressDetail.total }
            : {}),
        }));
    } catch (error) {
      if (!(error instanceof DockerApiError)) throw error;
      throw new DockerApiError(
        error.status,
        `Image ${image} is not on this machine and could not be pulled: ${error.message}. ` +
          "Check its name and your network, or choose another image (--image, PYGENT_IMAGE).",
        { cause: error },
      );
    }
  }

  async #startExec(cmd: string[]): Promise<{ execId: string; stream: ExecStream }> {
    if (this.#cleaned) throw new SandboxLostError("the session was cleaned up");
    let containerId = await this.#ensureContainer();
    let execId: string;
    try {
      execId = await this.#client.createExec(containerId, execBody(cmd));
    } catch (error) {
      if (!(error instanceof DockerNotFoundError || error instanceof DockerConflictError)) {
        throw error;
      }
      // The container was removed or stopped from outside: start over with a new one.
      await this.#client.removeContainer(containerId).catch(() => {});
      this.#containerId = undefined;
      this.#shell.noteForNextResult(
        `The sandbox container was gone (${error.message}); a new one was started. ` +
          "Files in the workspace are kept; installed packages and the shell's state were lost.",
      );
      containerId = await this.#ensureContainer();
      execId = await this.#client.createExec(containerId, execBody(cmd));
    }
    return { execId, stream: await this.#client.startExec(execId) };
  }

  async #spawnShell(): Promise<ShellProcess> {
    const { execId, stream } = await this.#startExec(SHELL_CMD);
    return execShellProcess(
      stream,
      () => this.#shellExitCode(execId),
      (command) => this.#interrupt(command),
    );
  }

  async #spawnController(): Promise<ShellProcess> {
    const { execId, stream } = await this.#startExec(["/bin/sh"]);
    await stream.write(CONTAINER_KILL_FUNCTION);
    return execShellProcess(stream, () => this.#shellExitCode(execId), async () => {});
  }

  /**
   * Starts the controller shell of the current container, once; a controller
   * left from a container that was replaced is discarded first.
   */
  #readyController(): Promise<void> {
    const containerId = this.#containerId;
    const ready = this.#controllerReady;
    if (ready && ready.containerId === containerId) return ready.started;
    const started = this.#controller.close().then(() => this.#controller.start());
    this.#controllerReady = { containerId, started };
    started.catch(() => {
      if (this.#controllerReady?.started === started) this.#controllerReady = undefined;
    });
    return started;
  }

  /**
   * Stops a runaway command through the controller shell. When even that fails
   * (the pids limit exhausted before the controller existed), the container is
   * replaced: the session goes on without the shell's state.
   */
  async #interrupt({ shellPid, lastPid, startedAt }: RunningCommand): Promise<void> {
    try {
      await this.#readyController();
      const back = Math.ceil((performance.now() - startedAt) / 10);
      await this.#controller.run(
        `kill -USR1 ${shellPid} 2>/dev/null; __pygent_kill ${shellPid} ${back} ${lastPid ?? ""}`,
        { timeoutMs: 5_000 },
      );
    } catch {
      const id = this.#containerId;
      this.#containerId = undefined;
      if (id) await this.#client.removeContainer(id).catch(() => {});
      this.#shell.noteForNextResult(
        "The previous command could not be stopped inside the container, so the container was " +
          "replaced. Files in the workspace are kept; installed packages and the shell's state were lost.",
      );
    }
  }

  /** Tells an out-of-memory kill from the container's memory cgroup, not from the exit code alone. */
  async #explainKill(exitCode: number): Promise<string | undefined> {
    if (exitCode !== 137) return undefined;
    const result = await this.#readyController().then(() =>
      this.#controller.run("__pygent_oom", { timeoutMs: 5_000 })
    ).catch(() => undefined);
    const count = result?.stdout.trim();
    if (!count || count === "unknown" || count === this.#oomKills) return undefined;
    this.#oomKills = count;
    const mib = Math.round(this.#options.memoryBytes / 1024 / 1024);
    return `pygent: killed: out of memory (the container's memory limit is ${mib} MiB). ` +
      "Use less memory, or raise the container's memory limit.";
  }

  /**
   * The exit code of a shell that ended on its own, or {@linkcode SandboxLostError}
   * when the container went with it. A container removed from outside kills the
   * shell a moment before its state says so: a signal death gets a few looks.
   */
  async #shellExitCode(execId: string): Promise<number> {
    const id = this.#containerId;
    const exec = await this.#client.inspectExec(execId).catch(ignoreNotFound);
    const code = exec?.ExitCode ?? 137;
    for (let look = 0; id && (exec === undefined || code > 128) && look < 4; look++) {
      if (look > 0) await new Promise((r) => setTimeout(r, 100));
      const info = await this.#client.inspectContainer(id).catch(ignoreNotFound);
      if (!info) throw new SandboxLostError("it was removed from outside Pygent");
      if (!info.State.Running || info.State.Status === "removing") {
        throw new SandboxLostError(`it is ${info.State.Status}`);
      }
    }
    return code;
  }
}

function execBody(cmd: string[]) {
  return {
    Cmd: cmd,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    WorkingDir: CONTAINER_WORKDIR,
  };
}

function execShellProcess(
  stream: ExecStream,
  exitCode: () => Promise<number>,
  interrupt: (command: RunningCommand) => Promise<void>,
): ShellProcess {
  return {
    write: (text) => stream.write(text),
    output: outputOf(stream),
    exitCode,
    interrupt,
    close() {
      stream.close();
      return Promise.resolve();
    },
  };
}

async function* outputOf(stream: ExecStream): AsyncGenerator<ShellChunk> {
  for await (const frame of stream.frames()) {
    if (frame.stream !== 0) yield { stream: frame.stream, data: frame.data };
  }
}

/** For `.catch`: a 404 from the engine becomes undefined, any other error stays. */
function ignoreNotFound(error: unknown): undefined {
  if (!(error instanceof DockerNotFoundError)) throw error;
  return undefined;
}
