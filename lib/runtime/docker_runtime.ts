/**
 * The Docker runtime: one locked-down container per session, the workspace
 * bind-mounted at `/workspace` (or, in copy mode, copied there and back: see
 * `copy_sync.ts`), every command through one long-lived shell on a hijacked
 * exec stream.
 *
 * @module
 */

import {
  type ContainerCreateBody,
  DockerApiError,
  type DockerClient,
  DockerConflictError,
  DockerConnectionError,
  DockerNotFoundError,
  type EngineIsolation,
  type ExecCreateBody,
  type ExecStream,
  formatEndpoint,
} from "../docker/mod.ts";
import { CONTAINER_WORKDIR, type SandboxPolicy } from "../policy/sandbox_policy.ts";
import { ContainerFiles } from "./container_files.ts";
import { CopySync, emptySyncReport } from "./copy_sync.ts";
import { asSandboxError, RuntimeError, SandboxLostError } from "./errors.ts";
import { type ResolvedRuntimeOptions, type SyncMode, syncModeFor } from "./options.ts";
import { CONTAINER_KILL_FUNCTION, containerPidsGuard } from "./container_sweep.ts";
import type { BashOptions, BashResult, Runtime, SandboxInfo, SyncReport } from "./runtime.ts";
import { type RunningCommand, Shell, type ShellChunk, type ShellProcess } from "./shell.ts";
import type { Workspace } from "./workspace.ts";
import { finishExec, type OpenedChannel, RootChannel } from "./root_channel.ts";
import { VERSION } from "../version.ts";

export { CONTAINER_WORKDIR };
/** Label every Pygent container carries, with the session id as its value. */
export const SESSION_LABEL = "pygent.session";
/** Label naming the process (`host:pid`) that owns the container. */
export const OWNER_LABEL = "pygent.owner";
/** Label holding the workspace's host path. */
export const WORKSPACE_LABEL = "pygent.workspace";
/** Label set when the workspace is a temporary folder Pygent made. */
export const TEMPORARY_WORKSPACE_LABEL = "pygent.workspace.temporary";

/** A fresh session id: 8 hex digits, the value of {@linkcode SESSION_LABEL}. */
export function newSessionId(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(4)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

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
 * The container settings for a session: its sandbox policy, turned into the engine's terms.
 *
 * @param sessionId Hex id that names and labels the container.
 * @param sync `"copy"`: no bind mount at all, the workspace is copied in instead.
 * @param isolation How the engine isolates containers; rootless Podman gets `keep-id`.
 */
export function containerConfig(
  options: ResolvedRuntimeOptions,
  workspace: Workspace,
  sessionId: string,
  sync: SyncMode = "bind",
  isolation?: EngineIsolation,
): ContainerCreateBody {
  const policy = options.sandbox;
  const host = userSpec(policy);
  const asRoot = policy.user === "root" || host === undefined;
  const env = Object.entries(policy.env).map(([k, v]) => `${k}=${v}`);
  if (!asRoot) env.unshift(`HOME=${SANDBOX_HOME}`);
  const binds = sync === "copy"
    ? []
    : policy.mounts.filter((m) => m.kind === "workspace").flatMap((m) => [
      `${workspace.path}:${m.target}${m.readOnly ? ":ro" : ""}`,
      ...readOnlyEntries(workspace.path, policy.readOnlyPaths)
        .map((path) => `${workspace.path}/${path}:${m.target}/${path}:ro`),
    ]);
  const tmpfs = Object.fromEntries(
    policy.mounts.filter((m) => m.kind === "tmpfs")
      .map((m) => [m.target, `${m.readOnly ? "ro" : "rw"},exec,nosuid,nodev,mode=1777`]),
  );
  return {
    Image: options.image,
    Entrypoint: [KEEP_ALIVE[0]],
    Cmd: KEEP_ALIVE.slice(1),
    // Init, the keep-alive process and the controller run as root; the sandbox's commands run
    // as the host user (set on each exec), who can then neither ptrace nor signal them.
    ...(policy.user === "root" || host ? { User: "0:0" } : {}),
    Env: env,
    WorkingDir: CONTAINER_WORKDIR,
    OpenStdin: true,
    NetworkDisabled: !policy.network,
    Labels: {
      [SESSION_LABEL]: sessionId,
      [OWNER_LABEL]: `${Deno.hostname()}:${Deno.pid}`,
      "pygent.version": VERSION,
      [WORKSPACE_LABEL]: workspace.path,
      // A temporary workspace is Pygent's to remove, even after a session killed outright.
      ...(workspace.temporary ? { [TEMPORARY_WORKSPACE_LABEL]: "true" } : {}),
    },
    HostConfig: {
      Binds: binds,
      NetworkMode: policy.network ? "bridge" : "none",
      Memory: policy.memoryBytes,
      MemorySwap: policy.memoryBytes,
      PidsLimit: policy.pidsLimit,
      ...(policy.cpus ? { NanoCpus: Math.round(policy.cpus * 1e9) } : {}),
      // Root keeps Docker's default capabilities (apt-get needs chown, setuid…). Otherwise only
      // root's processes (the controller among them) hold one, KILL, to stop the host user's
      // processes for a freeze; the host user's processes get none. A host user that is root
      // needs none: its commands share root's uid.
      ...(policy.user === "root"
        ? { CapDrop: [] }
        : { CapDrop: ["ALL"], ...(policy.hostUser?.uid === 0 ? {} : { CapAdd: ["KILL"] }) }),
      SecurityOpt: ["no-new-privileges"],
      Privileged: false,
      Init: true,
      Tmpfs: tmpfs,
      // Rootless Podman maps its own user to the container's root; `keep-id` maps it to the same
      // uid inside, so the files the commands write are the host user's. With --root, none:
      // root inside is then that user outside.
      ...(isolation?.podman && isolation.rootless && !asRoot ? { UsernsMode: "keep-id" } : {}),
    },
  };
}

/**
 * The read-only paths that exist in the workspace as a folder or a file of their own. A symlink
 * is left out: bound, it would bring the host path it points to into the container.
 */
function readOnlyEntries(workspace: string, paths: readonly string[]): string[] {
  return paths.filter((path) => {
    try {
      const info = Deno.lstatSync(`${workspace}/${path}`);
      return info.isDirectory || info.isFile;
    } catch {
      return false;
    }
  });
}

/** The host user as the engine's `uid:gid`, or undefined where the host has no uids. */
function userSpec(policy: SandboxPolicy): string | undefined {
  return policy.hostUser && `${policy.hostUser.uid}:${policy.hostUser.gid}`;
}

/** How long the removal of a container that failed to start may take, at the least. */
const REMOVAL_AFTER_FAILED_START_MS = 5_000;

/** How many times a freeze is tried before `frozen` gives up (processes kept running). */
const FREEZE_ROUNDS = 5;

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
  /** The file tools' way in: through the sandbox, where only the workspace is the host's. */
  readonly #files: ContainerFiles;
  readonly #sessionId: string;
  readonly #shell: Shell;
  readonly #controller: Shell;
  /** How the workspace reaches the container. */
  readonly #mode: SyncMode;
  /** Copy mode's two-way copy; undefined in bind mode. */
  readonly #copy: CopySync | undefined;
  /** Copy mode's commands in the container. */
  readonly #rootShell: RootChannel;
  /** The container's creation, which every caller awaits: there is never more than one. */
  #container: Promise<string> | undefined;
  /** The running container's id, once its creation has finished. */
  #containerId: string | undefined;
  /** The controller shell's pid inside the container. */
  #controllerPid: string | undefined;
  /** The controller shell's exec, whose process a freeze spares. */
  #controllerExec: { containerId: string; execId: string } | undefined;
  /** How many `frozen` calls hold the container's processes stopped. */
  #frozen = 0;
  /** How many times the container was replaced: a new one gets a name of its own. */
  #replacements = 0;
  /** The controller's start, and the container it was started for. */
  #controllerReady: { containerId: string | undefined; started: Promise<void> } | undefined;
  #oomKills = "0";
  /** Who the file tools run as in the container: the uid that is the host user outside. */
  #filesUser: string | undefined;
  #cleaned = false;

  private constructor(
    client: DockerClient,
    options: ResolvedRuntimeOptions,
    workspace: Workspace,
    sessionId: string,
  ) {
    this.#client = client;
    this.#options = options;
    this.#workspace = workspace;
    this.#filesUser = userSpec(options.sandbox);
    this.#files = new ContainerFiles({
      workspace,
      workdir: CONTAINER_WORKDIR,
      user: () => this.#filesUser,
      // A file call that finds the container gone goes on in a new one, as a command does.
      startExec: (body, signal) => this.#startExec(body, signal),
      deadlineMs: client.requestTimeoutMs,
      assertRunning: (id) => this.#assertRunning(id),
    });
    this.#sessionId = sessionId;
    this.#rootShell = new RootChannel((id) => this.#openRootShell(id), {
      ms: client.requestTimeoutMs,
      error: () =>
        new DockerConnectionError(
          formatEndpoint(client.endpoint),
          new Error(`the sandbox's file listing got no answer for ${client.requestTimeoutMs} ms`),
        ),
    });
    this.#mode = syncModeFor(options.sync, client.endpoint);
    this.#copy = this.#mode === "copy"
      ? new CopySync({
        workspace: workspace.path,
        workdir: CONTAINER_WORKDIR,
        readOnlyPaths: options.sandbox.readOnlyPaths,
        owner: options.sandbox.hostUser,
        limitBytes: options.syncLimitBytes,
        target: {
          run: (id, script, maxBytes) => this.#rootShell.run(id, script, maxBytes),
          putArchive: (id, tar, size) => client.putArchive(id, "/", tar, size),
          runAsUser: (id, script, input) => this.#runAsSandboxUser(id, script, input),
        },
        onEvent: options.onEvent,
      })
      : undefined;
    const startDeadline = {
      ms: client.requestTimeoutMs,
      error: () =>
        new DockerConnectionError(
          formatEndpoint(client.endpoint),
          new Error(`the sandbox's shell did not start within ${client.requestTimeoutMs} ms`),
        ),
    };
    this.#shell = new Shell({
      spawn: (signal) => this.#spawnShell(signal),
      outputLimit: options.outputLimit,
      explainKill: (code) => this.#explainKill(code),
      prelude: CONTAINER_KILL_FUNCTION + containerPidsGuard(options.sandbox.pidsLimit),
      startDeadline,
    });
    this.#controller = new Shell({
      spawn: (signal) => this.#spawnController(signal),
      startDeadline,
    });
  }

  /**
   * Creates and starts the session's container (pulling the image when it is
   * missing) and its shell.
   * @param sessionId Names and labels the container: the one a temporary workspace's marker holds.
   */
  static async create(
    client: DockerClient,
    options: ResolvedRuntimeOptions,
    workspace: Workspace,
    sessionId: string = newSessionId(),
  ): Promise<DockerRuntime> {
    const aliased = workspace.withAliases([CONTAINER_WORKDIR]);
    const runtime = new DockerRuntime(client, options, aliased, sessionId);
    try {
      await runtime.#shell.start();
    } catch (error) {
      await runtime.cleanup();
      asSandboxError(error);
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

  /** The container's name: `pygent-<session id>`, then `pygent-<session id>-2`… for replacements. */
  get containerName(): string {
    const base = `pygent-${this.#sessionId}`;
    return this.#replacements === 0 ? base : `${base}-${this.#replacements + 1}`;
  }

  /** Where commands run. */
  get sandbox(): SandboxInfo {
    return {
      kind: "docker",
      image: this.#options.image,
      workdir: CONTAINER_WORKDIR,
      shell: this.#shell.kind ?? "sh",
      network: this.#options.sandbox.network,
      sync: this.#mode,
    };
  }

  /** True: made by `create`, the container runs. */
  get started(): boolean {
    return true;
  }

  /** This runtime: it has started. */
  start(): Promise<Runtime> {
    return Promise.resolve(this);
  }

  /** Where commands run. */
  describe(): Promise<SandboxInfo> {
    return Promise.resolve(this.sandbox);
  }

  /** Runs a command in the session's shell. */
  async bash(cmd: string, options?: BashOptions): Promise<BashResult> {
    const result = await this.#shell.run(cmd, options).catch(asSandboxError);
    // The controller (which stops runaway commands) starts after the first command, off the
    // start-up path; it must exist before a fork bomb exhausts the pids limit.
    this.#readyController().catch(() => {});
    return result;
  }

  /**
   * Writes a workspace file from inside the sandbox, as the host user: a symlink
   * the sandbox swaps in can only lead into the container's own files.
   */
  writeFile(path: string, content: string | Uint8Array): Promise<void> {
    return this.#files.writeFile(path, content).catch(asSandboxError);
  }

  /** Reads a workspace file from inside the sandbox, as the host user. */
  readFile(path: string): Promise<string> {
    return this.#files.readFile(path).catch(asSandboxError);
  }

  /** Starts a fresh shell in `/workspace`. */
  reset(): Promise<void> {
    return this.#shell.reset().catch(asSandboxError);
  }

  /**
   * Runs `work` with every process of the container stopped (background ones too), then lets
   * them go on. The controller shell sends the signals (SIGSTOP), and the engine's own `ps` of
   * the container checks the result, which nothing in the container can fake (a process that
   * ptraces the controller to swallow its signals, or keeps continuing the others, is seen
   * running). Not the engine's pause: an engine may not support it (rootless, cgroup v1), and
   * Docker 20.10 can hang unpausing a container with an exec attached. Calls that overlap share
   * one freeze. With no container, `work` just runs.
   *
   * @throws {RuntimeError} When the processes could not be stopped: `work` does not run.
   */
  async frozen<T>(work: () => Promise<T>): Promise<T> {
    const id = this.#containerId;
    // In copy mode the sandbox cannot reach a host file: nothing it runs can race host work.
    if (id === undefined || this.#cleaned || this.#copy) return await work();
    if (this.#frozen++ === 0) {
      try {
        await this.#freeze(id);
      } catch (error) {
        this.#frozen--;
        await this.#thaw(id).catch(() => {});
        throw error;
      }
    }
    try {
      return await work();
    } finally {
      if (--this.#frozen === 0 && !this.#cleaned) await this.#thaw(id);
    }
  }

  /** Stops every process of container `id` but init and the controller, as the engine sees. */
  async #freeze(id: string): Promise<void> {
    for (let round = 1;; round++) {
      await this.#controllerSays("__pygent_freeze", "stop the sandbox's processes");
      const running = await this.#runningProcesses(id);
      if (running.length === 0) return;
      if (round === FREEZE_ROUNDS) {
        throw new RuntimeError(
          `Could not stop the sandbox's processes: ${running.length} kept running (host pids ` +
            `${running.slice(0, 5).join(", ")}), so nothing was done to the workspace's files.`,
        );
      }
    }
  }

  /** The host pids of container `id`'s processes that run, init and the controller aside. */
  async #runningProcesses(id: string): Promise<string[]> {
    const controller = this.#controllerExec;
    const [processes, container, exec] = await Promise.all([
      this.#client.containerProcesses(id),
      this.#client.inspectContainer(id),
      controller?.containerId === id ? this.#client.inspectExec(controller.execId) : undefined,
    ]);
    const spared = new Set([String(container.State.Pid), String(exec?.Pid)]);
    return processes
      .filter((p) => !spared.has(p.hostPid) && !/^[TtZX]/.test(p.state))
      .map((p) => p.hostPid);
  }

  /** Lets container `id`'s processes go on; when that fails, a new container replaces it. */
  async #thaw(id: string): Promise<void> {
    try {
      await this.#controllerSays("__pygent_thaw", "let the sandbox's processes go on");
    } catch (error) {
      // Processes left stopped would hang the next command: a fresh container is better.
      await this.#replaceContainer(id, "its processes could not be let go on").catch(() => {});
      throw error;
    }
  }

  /**
   * Runs a controller function; rejects when it fails, saying what it was for. A controller
   * that did not answer (stopped by the sandbox, say) is killed by a new one: resumed later, it
   * would run what it was sent, such as a freeze that nothing then undoes.
   */
  async #controllerSays(command: string, what: string): Promise<void> {
    let result;
    try {
      await this.#readyController();
      result = await this.#controller.run(command, { timeoutMs: 5_000 });
    } catch (cause) {
      const stale = this.#controllerPid;
      this.#controllerReady = undefined;
      if (stale) {
        await this.#readyController()
          .then(() => this.#controller.run(`kill -KILL ${stale} 2>/dev/null`, { timeoutMs: 5_000 }))
          .catch(() => {});
      }
      throw new RuntimeError(
        `Could not ${what} in the container (${(cause as Error).message}).`,
        { cause },
      );
    }
    // It answered: a failure is the function's own (processes that kept running), and the
    // controller is sound.
    if (result.exitCode !== 0) {
      throw new RuntimeError(`Could not ${what} in the container (exit code ${result.exitCode}).`);
    }
  }

  /**
   * Copy mode: brings the container's changes since the last sync to the host and the host's
   * to the container (see {@linkcode CopySync}). Bind mode: nothing to do.
   */
  async sync(): Promise<SyncReport> {
    if (!this.#copy) return emptySyncReport();
    return await this.#copy.sync(await this.#ensureContainer()).catch(asSandboxError);
  }

  /** Removes the container (one forced delete) and the temporary workspace. */
  async cleanup(): Promise<void> {
    if (this.#cleaned) return;
    // Copy mode: the container's last changes come home before it goes.
    if (this.#copy && this.#containerId) {
      await this.#copy.sync(this.#containerId).catch((error) =>
        this.#options.onEvent({
          type: "notice",
          message: `The sandbox's last changes could not be copied back: ${
            (error as Error).message
          }`,
        })
      );
    }
    this.#cleaned = true;
    // A container still being made is waited for, so that it does not outlive the session.
    const id = this.#containerId ?? await this.#container?.catch(() => undefined);
    this.#container = undefined;
    this.#containerId = undefined;
    try {
      // Removing the container first ends both shells' streams at once.
      if (id) await this.#client.removeContainer(id).catch(ignoreNotFound);
    } finally {
      // Even when the engine refused or hung: the exec connections are ours to close.
      await Promise.all([this.#shell.close(), this.#controller.close()]);
      this.#rootShell.close();
      this.#client.close();
      await this.#workspace.dispose();
    }
  }

  /** Same as `cleanup()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.cleanup();
  }

  /**
   * The running container's id. Single-flight: every caller (the session's shell,
   * the controller, the file tools) awaits the same creation, which ends only once
   * the container runs.
   */
  #ensureContainer(): Promise<string> {
    if (this.#cleaned) return Promise.reject(new SandboxLostError("the session was cleaned up"));
    return this.#container ??= this.#forgetOnFailure(this.#createContainer());
  }

  /**
   * Replaces container `goneId`, once however many callers found it gone; a
   * caller that comes after the replacement gets the new container.
   * @param why What the engine said, for the notice the next result carries.
   */
  #replaceContainer(goneId: string, why: string): Promise<string> {
    if (this.#containerId === goneId && !this.#cleaned) {
      this.#containerId = undefined;
      this.#replacements++;
      this.#shell.noteForNextResult(
        `The sandbox container was gone (${why}); a new one was started. ` +
          (this.#copy
            ? "The workspace was copied into it as of the last sync (changes since were lost); "
            : "Files in the workspace are kept; ") +
          "installed packages and the shell's state were lost.",
      );
      const removed = this.#client.removeContainer(goneId).catch(() => {});
      this.#container = this.#forgetOnFailure(removed.then(() => this.#createContainer()));
    }
    return this.#ensureContainer();
  }

  /** A failed creation is not kept: the next caller tries again. */
  #forgetOnFailure(made: Promise<string>): Promise<string> {
    made.catch(() => {
      if (this.#container === made) this.#container = undefined;
    });
    return made;
  }

  async #createContainer(): Promise<string> {
    // A replacement queued behind a removal may come after cleanup: nothing is made then.
    if (this.#cleaned) throw new SandboxLostError("the session was cleaned up");
    const isolation = await this.#client.isolation();
    if (!isolation.enforcesLimits && this.#replacements === 0) {
      this.#options.onEvent({
        type: "notice",
        message: "This engine is rootless on cgroup v1: it cannot enforce the sandbox's memory " +
          "and pids limits, so a command can use all the memory and processes its user may. " +
          "Use a rootful engine or cgroup v2 for those limits.",
      });
    }
    const config = containerConfig(
      this.#options,
      this.#workspace,
      this.#sessionId,
      this.#mode,
      isolation,
    );
    // In a rootless engine's own user namespace, the host user is root inside.
    this.#filesUser = isolation.rootless && config.HostConfig?.UsernsMode !== "keep-id"
      ? "0:0"
      : userSpec(this.#options.sandbox);
    const name = this.containerName;
    let id: string;
    try {
      id = await this.#client.createContainer(config, name).catch(async (error) => {
        if (!(error instanceof DockerNotFoundError)) throw error;
        await this.#pull();
        return await this.#client.createContainer(config, name);
      });
    } catch (error) {
      // An engine that answered too late may still have made it: the name is freed for the next
      // try, and no container of this session is left behind.
      await this.#client.removeContainer(name).catch(() => {});
      throw error;
    }
    try {
      await this.#client.startContainer(id);
      await this.#copy?.upload(id);
      if (this.#cleaned) throw new SandboxLostError("the session was cleaned up");
    } catch (error) {
      // The engine holds a container while an upload into it is open, until it sees the upload's
      // connection end: the removal is given time for that, even under a short engine timeout.
      await this.#client.removeContainer(id, {
        timeoutMs: Math.max(this.#client.requestTimeoutMs, REMOVAL_AFTER_FAILED_START_MS),
      }).catch(() => {});
      throw error;
    }
    this.#containerId = id;
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
          "Check its name and your network, or choose another image (--image, PYGENT_IMAGE or " +
          "image in the config file).",
        { cause: error },
      );
    }
  }

  /**
   * Creates and starts an exec in the running container: the one path of the
   * shells and the file tools. A container found gone is replaced (once, however
   * many callers find it so) and the exec made in the new one.
   */
  async #startExec(
    body: ExecCreateBody,
    signal?: AbortSignal,
  ): Promise<{ containerId: string; execId: string; stream: ExecStream }> {
    let containerId = await this.#ensureContainer();
    let execId: string;
    try {
      execId = await this.#client.createExec(containerId, body, signal);
    } catch (error) {
      const gone = await this.#goneReason(containerId, error);
      if (gone === undefined) throw error;
      // The container was removed or stopped from outside: go on in a new one.
      containerId = await this.#replaceContainer(containerId, gone);
      execId = await this.#client.createExec(containerId, body, signal);
    }
    return { containerId, execId, stream: await this.#client.startExec(execId, signal) };
  }

  /**
   * Starts a root shell in container `id` for copy mode's commands (not through `#startExec`:
   * it serves the container's creation too).
   */
  async #openRootShell(id: string): Promise<OpenedChannel> {
    const execId = await this.#client.createExec(id, execBody(["/bin/sh"], "0:0"));
    return { containerId: id, stream: await this.#client.startExec(execId) };
  }

  /**
   * Copy mode's writes in container `id`: `script` run by `/bin/sh` as the sandbox's user (who
   * owns the workspace there), `input` on its stdin. Never as root: a link the sandbox made
   * would lead root's writes into the container's own files.
   */
  async #runAsSandboxUser(
    id: string,
    script: string,
    input?: ReadableStream<Uint8Array>,
  ): Promise<void> {
    const execId = await this.#client.createExec(
      id,
      execBody(["/bin/sh", "-c", script], this.#commandsUser()),
    );
    await finishExec(
      await this.#client.startExec(execId),
      input,
      this.#client.requestTimeoutMs,
      () => this.#shellExitCode(id, execId),
    );
  }

  /** Throws {@linkcode SandboxLostError} when container `id` is gone, stopped or being removed. */
  async #assertRunning(id: string): Promise<void> {
    const info = await this.#client.inspectContainer(id).catch(ignoreNotFound);
    if (!info) throw new SandboxLostError("it was removed from outside Pygent");
    if (!info.State.Running || info.State.Status === "removing") {
      throw new SandboxLostError(`it is ${info.State.Status}`);
    }
  }

  /**
   * Why creating an exec in `containerId` failed because the container is gone
   * (removed, exited, being removed), or undefined for any other failure, such as
   * a container that is paused: it is still there and is not replaced.
   */
  async #goneReason(containerId: string, error: unknown): Promise<string | undefined> {
    if (error instanceof DockerNotFoundError) return error.message;
    if (!(error instanceof DockerConflictError)) return undefined;
    return await this.#assertRunning(containerId).then(() => undefined, (lost) => {
      if (!(lost instanceof SandboxLostError)) throw lost;
      return error.message;
    });
  }

  async #spawnShell(signal?: AbortSignal): Promise<ShellProcess> {
    const { containerId, execId, stream } = await this.#startExec(
      execBody(SHELL_CMD, this.#commandsUser()),
      signal,
    );
    return execShellProcess(
      stream,
      () => this.#shellExitCode(containerId, execId),
      (command) => this.#interrupt(command),
    );
  }

  /**
   * Who the sandbox's commands run as: root, or the host user (the container's own user is
   * root); on a host with no uids, the image's user.
   */
  #commandsUser(): string | undefined {
    const policy = this.#options.sandbox;
    return policy.user === "root" ? "0:0" : userSpec(policy);
  }

  async #spawnController(signal?: AbortSignal): Promise<ShellProcess> {
    // Root, which the sandbox's commands (the host user's) cannot ptrace to forge a freeze.
    const { containerId, execId, stream } = await this.#startExec(
      execBody(["/bin/sh"], "0:0"),
      signal,
    );
    this.#controllerExec = { containerId, execId };
    await stream.write(CONTAINER_KILL_FUNCTION);
    return execShellProcess(
      stream,
      () => this.#shellExitCode(containerId, execId),
      async () => {},
    );
  }

  /**
   * Starts the controller shell of the current container, once; a controller
   * left from a container that was replaced is discarded first.
   */
  #readyController(): Promise<void> {
    const containerId = this.#containerId;
    const ready = this.#controllerReady;
    if (ready && ready.containerId === containerId) return ready.started;
    const started = this.#controller.close().then(() => this.#controller.start()).then(
      async () => {
        this.#controllerPid = (await this.#controller.run("echo $$", { timeoutMs: 5_000 }))
          .stdout.trim();
      },
    );
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
        `kill -s URG ${shellPid} 2>/dev/null; __pygent_kill ${shellPid} ${back} ${lastPid ?? ""}`,
        { timeoutMs: 5_000 },
      );
    } catch {
      const id = this.#containerId;
      if (id) {
        await this.#replaceContainer(id, "the command could not be stopped inside it")
          .catch(() => {});
      }
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
    const mib = Math.round(this.#options.sandbox.memoryBytes / 1024 / 1024);
    return `pygent: killed: out of memory (the container's memory limit is ${mib} MiB). ` +
      "Use less memory, or raise the container's memory limit.";
  }

  /**
   * The exit code of a shell that ended on its own, or {@linkcode SandboxLostError}
   * when the container went with it. A container removed from outside kills the
   * shell a moment before its state says so: a signal death gets a few looks.
   */
  async #shellExitCode(id: string, execId: string): Promise<number> {
    const exec = await this.#client.inspectExec(execId).catch(ignoreNotFound);
    const code = exec?.ExitCode ?? 137;
    for (let look = 0; (exec === undefined || code > 128) && look < 4; look++) {
      if (look > 0) await new Promise((r) => setTimeout(r, 100));
      await this.#assertRunning(id);
    }
    return code;
  }
}

function execBody(cmd: string[], user: string | undefined) {
  return {
    Cmd: cmd,
    ...(user === undefined ? {} : { User: user }),
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
