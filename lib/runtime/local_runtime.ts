/**
 * The local runtime: commands run on the host, in the workspace, with no
 * isolation. On Linux and macOS one long-lived shell serves the session; on
 * Windows each command is its own `cmd.exe` and the working directory is
 * carried from one to the next.
 *
 * @module
 */

import type { ResolvedRuntimeOptions } from "./options.ts";
import { killSessionCommands, sendSignal } from "./process_tree.ts";
import { emptySyncReport } from "./copy_sync.ts";
import type { BashOptions, BashResult, Runtime, SandboxInfo, SyncReport } from "./runtime.ts";
import { ABANDON_SIGNAL, Shell, type ShellChunk, type ShellProcess } from "./shell.ts";
import { WindowsCommands } from "./windows_commands.ts";
import type { Workspace } from "./workspace.ts";

/**
 * Host variables that never reach local commands: names that hold `KEY`,
 * `SECRET` or `TOKEN` (any case), as Codex's default `shell_environment_policy`
 * drops them, plus passwords, credentials and the model's own settings
 * (`OPENAI_*`). `--env NAME` passes one on purpose.
 *
 * @example
 * ```ts
 * import { isSecretName } from "./local_runtime.ts";
 * console.log(isSecretName("GITHUB_TOKEN"), isSecretName("PATH")); // true false
 * ```
 */
export function isSecretName(name: string): boolean {
  return /KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL/i.test(name) ||
    /^(OPENAI|ANTHROPIC|AZURE_OPENAI)_/i.test(name);
}

/** The host environment without secrets, plus the variables the user passed. */
export function localEnvironment(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(Deno.env.toObject())) {
    if (!isSecretName(name)) env[name] = value;
  }
  return { ...env, ...extra };
}

/** Runs commands the way a platform can: a long-lived shell, or one `cmd.exe` per command. */
interface CommandRunner {
  readonly shell: string;
  run(cmd: string, options?: BashOptions): Promise<BashResult>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Commands on the host, in the workspace folder.
 *
 * Made by {@linkcode createRuntime}; see {@linkcode Runtime} for the methods.
 */
export class LocalRuntime implements Runtime {
  readonly kind = "local";
  readonly #workspace: Workspace;
  readonly #runner: CommandRunner;
  readonly #os: typeof Deno.build.os;
  #cleaned = false;

  private constructor(workspace: Workspace, runner: CommandRunner, os: typeof Deno.build.os) {
    this.#workspace = workspace;
    this.#runner = runner;
    this.#os = os;
  }

  /** Prepares the runtime; on Linux and macOS its shell starts with the first command. */
  static create(options: ResolvedRuntimeOptions, workspace: Workspace): LocalRuntime {
    const env = localEnvironment(options.sandbox.env);
    const runner: CommandRunner = options.os === "windows"
      ? new WindowsCommands(workspace.path, env, options.outputLimit)
      : unixRunner(hostShell(options.os), workspace.path, env, options.outputLimit);
    return new LocalRuntime(workspace, runner, options.os);
  }

  /** Host path of the workspace. */
  get workspace(): string {
    return this.#workspace.path;
  }

  /** Where commands run. */
  get sandbox(): SandboxInfo {
    return { kind: "local", os: this.#os, shell: this.#runner.shell };
  }

  /** True: made by `create`, it is ready. */
  get started(): boolean {
    return true;
  }

  /** This runtime: it is ready. */
  start(): Promise<Runtime> {
    return Promise.resolve(this);
  }

  /** Where commands run. */
  describe(): Promise<SandboxInfo> {
    return Promise.resolve(this.sandbox);
  }

  /** Runs a command on the host. */
  bash(cmd: string, options?: BashOptions): Promise<BashResult> {
    return this.#runner.run(cmd, options);
  }

  /** Writes a workspace file. */
  writeFile(path: string, content: string | Uint8Array): Promise<void> {
    return this.#workspace.writeFile(path, content);
  }

  /** Reads a workspace file. */
  readFile(path: string): Promise<string> {
    return this.#workspace.readFile(path);
  }

  /** Starts a fresh shell in the workspace. */
  reset(): Promise<void> {
    return this.#runner.reset();
  }

  /** Runs `work`: on the host nothing is isolated, so nothing is paused. */
  frozen<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  /** Nothing to do: commands work on the host's files themselves. */
  sync(): Promise<SyncReport> {
    return Promise.resolve(emptySyncReport());
  }

  /** Ends the shell and removes the temporary workspace. Safe to call twice. */
  async cleanup(): Promise<void> {
    if (this.#cleaned) return;
    this.#cleaned = true;
    await this.#runner.close();
    await this.#workspace.dispose();
  }

  /** Same as `cleanup()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.cleanup();
  }
}

/**
 * The shell commands run in on a host: `cmd.exe` on Windows, else bash where
 * it is installed, else `/bin/sh`. One answer for the runtime and for what the
 * model is told before the runtime starts.
 */
export function hostShell(os: typeof Deno.build.os): { name: string; path: string } {
  if (os === "windows") return { name: "cmd.exe", path: "cmd.exe" };
  const bash = findBash();
  return bash ? { name: "bash", path: bash } : { name: "sh", path: "/bin/sh" };
}

function unixRunner(
  { name, path }: { name: string; path: string },
  cwd: string,
  env: Record<string, string>,
  outputLimit: number,
): CommandRunner {
  const shell = new Shell({
    spawn: () => Promise.resolve(spawnHostShell(path, cwd, env)),
    outputLimit,
  });
  return {
    shell: name,
    run: (cmd, options) => shell.run(cmd, options),
    reset: () => shell.reset(),
    close: () => shell.close(),
  };
}

/**
 * A bash you installed comes first: macOS's own `/bin/bash` is 3.2, without
 * `local -`, where Pygent's functions must save and restore the options
 * themselves.
 */
function findBash(): string | undefined {
  for (
    const path of ["/opt/homebrew/bin/bash", "/usr/local/bin/bash", "/bin/bash", "/usr/bin/bash"]
  ) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Not there: try the next.
    }
  }
  return undefined;
}

function spawnHostShell(path: string, cwd: string, env: Record<string, string>): ShellProcess {
  const args = path.endsWith("bash") ? ["--noprofile", "--norc"] : [];
  // Detached: the shell leads a session of its own, so a timeout can find all it started.
  const child = new Deno.Command(path, {
    args,
    cwd,
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  const writer = child.stdin.getWriter();
  const encoder = new TextEncoder();
  return {
    write: (text) => writer.write(encoder.encode(text)),
    output: merge(child.stdout, child.stderr),
    async exitCode() {
      const status = await child.status;
      return status.signal ? 128 + signalNumber(status.signal) : status.code;
    },
    async interrupt({ shellPid, lastPid, startedAt }) {
      sendSignal(shellPid, ABANDON_SIGNAL);
      await killSessionCommands(shellPid, performance.now() - startedAt, lastPid);
    },
    async close() {
      // Everything the shell started goes with it: orphans would hold its output open.
      await killSessionCommands(child.pid, Infinity);
      sendSignal(child.pid, "SIGKILL");
      await writer.close().catch(() => {});
      await child.status;
    },
  };
}

function signalNumber(signal: Deno.Signal): number {
  const numbers: Partial<Record<Deno.Signal, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGKILL: 9,
    SIGSEGV: 11,
    SIGPIPE: 13,
    SIGTERM: 15,
  };
  return numbers[signal] ?? 9;
}

/** Interleaves two byte streams as tagged chunks, in arrival order; ends when both end. */
async function* merge(
  stdout: ReadableStream<Uint8Array>,
  stderr: ReadableStream<Uint8Array>,
): AsyncGenerator<ShellChunk> {
  const readers = [stdout.getReader(), stderr.getReader()] as const;
  const pending = new Map<
    number,
    Promise<{ index: number; result: ReadableStreamReadResult<Uint8Array> }>
  >();
  const read = (index: number) =>
    pending.set(index, readers[index].read().then((result) => ({ index, result })));
  read(0);
  read(1);
  while (pending.size > 0) {
    const { index, result } = await Promise.race(pending.values());
    if (result.done) {
      pending.delete(index);
      continue;
    }
    read(index);
    yield { stream: index === 0 ? 1 : 2, data: result.value };
  }
}
