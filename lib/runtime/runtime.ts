/**
 * The shape every sandbox shares: the Docker runtime and the local runtime
 * implement {@linkcode Runtime}, and everything above this layer (the agent,
 * the CLI) sees only this interface.
 *
 * @module
 */

/** A piece of a command's output as it arrives: its stream, and the text (UTF-8, decoded as it streams). */
export interface OutputChunk {
  /** Which stream printed it. */
  stream: "stdout" | "stderr";
  /**
   * The text, exactly as printed (control characters included); a character split between
   * two reads arrives whole, in the later chunk.
   */
  text: string;
}

/** Options for one {@linkcode Runtime.bash} call. */
export interface BashOptions {
  /** Kill the command (and everything it started) after this many milliseconds. Default 30 000. */
  timeoutMs?: number;
  /**
   * Aborting kills the running command, like a timeout, and the call rejects
   * promptly with the signal's reason.
   */
  signal?: AbortSignal;
  /**
   * Called with the command's output while it runs, stdout and stderr in arrival order.
   * Everything it is given is also in the result (up to its limit); on a timeout or an
   * abort, it has had what the command printed before it stopped. It must not throw.
   *
   * @example
   * ```ts ignore
   * await runtime.bash("for i in 1 2 3; do echo $i; sleep 1; done", {
   *   onOutput: ({ stream, text }) => console.log(stream, JSON.stringify(text)),
   * });
   * ```
   */
  onOutput?: (chunk: OutputChunk) => void;
}

/** What one command did: a fixed shape, whichever runtime ran it. */
export interface BashResult {
  /** Standard output, decoded as UTF-8 (invalid bytes become U+FFFD). */
  stdout: string;
  /** Standard error, kept apart from stdout. */
  stderr: string;
  /** The command's own exit code; 128 + N when a signal N ended it. */
  exitCode: number;
  /** True when the timeout (or an abort) killed the command. */
  timedOut: boolean;
  /** Wall-clock time of the call. */
  durationMs: number;
  /**
   * Set when something outside the command happened that the caller should know,
   * e.g. the shell ended and the next call starts a fresh one in the workspace.
   */
  notice?: string;
}

/** What one {@linkcode Runtime.sync} did. Paths are relative to the workspace, `/`-separated. */
export interface SyncReport {
  /** Host changes copied (or deletions applied) into the container. */
  toContainer: string[];
  /** Container changes copied (or deletions applied) into the host workspace. */
  toHost: string[];
  /** Paths changed on both sides: the host's version stayed, the container's is beside it. */
  conflicts: string[];
  /** Container entries not brought back (a device, a fifo, an unsafe name, over the limit). */
  refused: string[];
}

/** Where commands run, as the system prompt and the CLI describe it. */
export type SandboxInfo =
  | {
    kind: "docker";
    /** The image the container was created from. */
    image: string;
    /** The workspace as seen inside the container. */
    workdir: string;
    /** The shell commands run in (`bash` or `sh`). */
    shell: string;
    /** Whether the container has a network. */
    network: boolean;
    /** How the workspace reaches the container: mounted (`bind`) or copied (`copy`). */
    sync: "bind" | "copy";
  }
  | {
    kind: "local";
    /** `Deno.build.os` of the host. */
    os: typeof Deno.build.os;
    /** The shell commands run in (`bash`, `sh` or `cmd.exe`). */
    shell: string;
  };

/** Something a runtime reports while it works: a notice, or image pull progress. */
export type RuntimeEvent =
  | { type: "notice"; message: string }
  | {
    type: "pull";
    image: string;
    status: string;
    /** Layer id, when the engine gives one. */
    id?: string;
    current?: number;
    total?: number;
  };

/**
 * A sandbox that runs shell commands and reads and writes files in its workspace.
 *
 * @example
 * ```ts
 * import { createRuntime } from "./mod.ts";
 * await using rt = await createRuntime({ docker: false });
 * const r = await rt.bash("echo hi");
 * console.log(r.stdout); // "hi\n"
 * ```
 */
export interface Runtime extends AsyncDisposable {
  /** `"docker"` when commands run in a container, `"local"` on the host. */
  readonly kind: "docker" | "local";
  /** Host path of the workspace. */
  readonly workspace: string;
  /** Where commands run. A lazy runtime throws a `RuntimeError` here before it has started. */
  readonly sandbox: SandboxInfo;
  /** True once the sandbox has started (always, for a runtime made by `createRuntime`). */
  readonly started: boolean;
  /**
   * Starts the sandbox when it has not started yet (a lazy runtime starts on first use) and
   * resolves to this runtime. Fails with a `SandboxUnavailableError` when it cannot start.
   */
  start(): Promise<Runtime>;
  /** Where commands run, or will run once started: asks the engine, starts nothing. */
  describe(): Promise<SandboxInfo>;
  /** Run a command in the session's shell; `cd`, variables and functions persist between calls. */
  bash(cmd: string, options?: BashOptions): Promise<BashResult>;
  /** Create or overwrite a file; `path` is relative to the workspace, parents are created. */
  writeFile(path: string, content: string | Uint8Array): Promise<void>;
  /** Read a file of the workspace as UTF-8 text. */
  readFile(path: string): Promise<string>;
  /** Start a fresh shell: the working directory and variables go back to their defaults. */
  reset(): Promise<void>;
  /**
   * Runs `work` while no process of the sandbox runs: a container's processes are stopped for
   * it (background ones too) and go on after, whatever `work` did. For host-side work on the workspace
   * that the sandbox must not race, such as git reading and writing its files (a process swapping
   * a folder for a symbolic link between git's checks and its writes would send them elsewhere
   * on the host). On the host, in copy mode (the container has no host file to race: host git
   * works on the host's copy, and the next sync brings its changes in) and before the sandbox
   * starts, `work` just runs.
   */
  frozen<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Brings the sandbox's copy of the workspace and the host's in step: in copy mode, what
   * changed on either side since the last sync goes to the other (a file changed on both keeps
   * the host's version, the sandbox's beside it as `FILE.pygent-conflict`). A no-op where the
   * sandbox works on the host's files (the host runtime, bind mode) and before the sandbox starts.
   */
  sync(): Promise<SyncReport>;
  /** Remove the container and the temporary workspace. Safe to call more than once. */
  cleanup(): Promise<void>;
}
