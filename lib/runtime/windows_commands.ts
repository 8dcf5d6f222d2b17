/**
 * Commands on Windows hosts: `cmd.exe` cannot serve as a long-lived shell
 * cleanly, so each command is its own process. The working directory is
 * carried over: each command ends by printing a marker, its exit code and
 * the directory it ended in, and the next command starts there.
 *
 * @module
 */

import { BoundedOutput, LiveText, MarkedStream } from "./output_buffer.ts";
import type { BashOptions, BashResult } from "./runtime.ts";
import { timerMs } from "./shell.ts";

/**
 * The `cmd.exe` command line for one command: run it, then print the marker,
 * the exit code and the directory. `call echo %^errorlevel%` reads the exit
 * code after the command ran (the `^` keeps the line's own expansion off it,
 * `call` expands it then), without turning on delayed expansion, which would
 * eat every `!` in the user's command.
 */
export function cmdLine(cmd: string, token: string): string {
  return `/d /s /c "${cmd} & call echo ${token}:%^errorlevel% & cd"`;
}

/** Splits what followed the marker into the exit code and the directory. */
export function parseTrailer(after: string): { exitCode: number; cwd: string | undefined } {
  const [code, cwd] = after.split(/\r?\n/);
  const exitCode = Number.parseInt(code, 10);
  return { exitCode: Number.isNaN(exitCode) ? 1 : exitCode, cwd: cwd?.trim() || undefined };
}

/** One `cmd.exe` per command, the working directory tracked between them. */
export class WindowsCommands {
  /** What the model is told it runs in. */
  readonly shell = "cmd.exe";
  readonly #home: string;
  readonly #env: Record<string, string>;
  readonly #outputLimit: number;
  #cwd: string;

  /**
   * Creates a `WindowsCommands`.
   * @param workspace Folder the first command starts in (and `reset` returns to).
   * @param env The full environment of each command.
   * @param outputLimit Bytes kept per command.
   */
  constructor(workspace: string, env: Record<string, string>, outputLimit: number) {
    this.#home = workspace;
    this.#cwd = workspace;
    this.#env = env;
    this.#outputLimit = outputLimit;
  }

  /** The directory the next command starts in. */
  get cwd(): string {
    return this.#cwd;
  }

  /** Runs one command in its own `cmd.exe`. */
  async run(cmd: string, options: BashOptions = {}): Promise<BashResult> {
    const started = performance.now();
    const token = crypto.randomUUID().replaceAll("-", "");
    const child = new Deno.Command("cmd.exe", {
      args: [cmdLine(cmd, token)],
      windowsRawArguments: true,
      cwd: this.#cwd,
      env: this.#env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const onOutput = options.onOutput;
    const liveOut = onOutput && new LiveText((text) => onOutput({ stream: "stdout", text }));
    const liveErr = onOutput && new LiveText((text) => onOutput({ stream: "stderr", text }));
    const stdout = new MarkedStream(
      new TextEncoder().encode(`${token}:`),
      this.#outputLimit / 2,
      liveOut && ((bytes) => liveOut.push(bytes)),
    );
    const stderr = new BoundedOutput(this.#outputLimit / 2);
    let timedOut = false;
    const kill = () => {
      timedOut = true;
      // taskkill ends the whole tree; killing cmd.exe alone would orphan its children.
      new Deno.Command("taskkill", { args: ["/T", "/F", "/PID", String(child.pid)] }).output()
        .catch(() => {});
    };
    const timer = setTimeout(kill, timerMs(options.timeoutMs));
    options.signal?.addEventListener("abort", kill, { once: true });
    try {
      await Promise.all([
        pump(child.stdout, (c) => stdout.push(c)),
        pump(child.stderr, (c) => {
          stderr.push(c);
          liveErr?.push(c);
        }),
      ]);
      stdout.end();
      liveOut?.end();
      liveErr?.end();
      const status = await child.status;
      options.signal?.throwIfAborted();
      const trailer = parseTrailer(stdout.after);
      if (trailer.cwd) this.#cwd = trailer.cwd;
      return {
        stdout: stdout.output.text(),
        stderr: stderr.text(),
        exitCode: timedOut ? 124 : stdout.found ? trailer.exitCode : status.code,
        timedOut,
        durationMs: Math.round(performance.now() - started),
      };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", kill);
    }
  }

  /** The next command starts in the workspace again. */
  reset(): Promise<void> {
    this.#cwd = this.#home;
    return Promise.resolve();
  }

  /** Nothing stays running between commands. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function pump(stream: ReadableStream<Uint8Array>, onChunk: (c: Uint8Array) => void) {
  for await (const chunk of stream) onChunk(chunk);
}
