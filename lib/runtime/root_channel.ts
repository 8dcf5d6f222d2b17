/**
 * A root shell kept open in the container for copy mode's reading commands (`find`, `tar`):
 * starting an exec costs the engine a process spawn each time (tens of milliseconds, more on a
 * busy engine), so the commands of every sync go through one, with binary output. What writes
 * to the container's files runs as the sandbox's user instead, in an exec of its own
 * ({@linkcode finishExec}): root there would write or delete through a link the sandbox made.
 *
 * @module
 */

import type { ExecStream, Frame } from "../docker/mod.ts";
import { RuntimeError } from "./errors.ts";
import { concat } from "./output_buffer.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A shell's stdin, stdout and stderr on an exec in one container. */
export interface OpenedChannel {
  /** The container it runs in: a channel is opened again for another. */
  containerId: string;
  stream: ExecStream;
}

/**
 * Runs shell commands, one at a time, in a long-lived root shell, reading each one's stdout
 * as bytes up to a random end marker (with its exit status) that the command cannot predict.
 *
 * @example
 * ```ts ignore
 * const channel = new RootChannel((id) => openRootShell(id), {
 *   ms: 15_000,
 *   error: () => new Error("the engine stopped answering"),
 * });
 * const listing = await channel.run(containerId, "find /workspace -printf '%P\\0'");
 * ```
 */
export class RootChannel {
  readonly #open: (containerId: string) => Promise<OpenedChannel>;
  readonly #idle: IdleLimit;
  #opened: { channel: OpenedChannel; frames: AsyncIterator<Frame> } | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * @param open Starts `/bin/sh` as root in the container, stdin, stdout and stderr attached.
   * @param idle How long a command may go without output before the channel is closed, and the
   *   error it then fails with: a hung engine (stopped, or a silent link) would otherwise hold
   *   every sync, and the last one before the container's removal, forever.
   */
  constructor(open: (containerId: string) => Promise<OpenedChannel>, idle: IdleLimit) {
    this.#open = open;
    this.#idle = idle;
  }

  /**
   * Runs `script` (shell text) in container `containerId`; resolves to its stdout once it
   * exited 0, else throws a {@linkcode RuntimeError} with its status and what it printed on
   * stderr.
   * @param maxBytes The most stdout kept: past it the command is abandoned (the shell closed)
   *   and a {@linkcode ChannelOutputLimitError} thrown, so that a sandbox that makes a file grow
   *   as it is read cannot fill the host's memory.
   */
  run(containerId: string, script: string, maxBytes = Infinity): Promise<Uint8Array> {
    const run = this.#queue.then(() => this.#run(containerId, script, maxBytes));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Ends the shell. */
  close(): void {
    this.#opened?.channel.stream.close();
    this.#opened = undefined;
  }

  async #run(containerId: string, script: string, maxBytes: number): Promise<Uint8Array> {
    if (this.#opened?.channel.containerId !== containerId) {
      this.close();
      const channel = await this.#open(containerId);
      this.#opened = { channel, frames: channel.stream.frames()[Symbol.asyncIterator]() };
      // Each command's stderr goes to a file in a folder only root can enter (the sandbox's
      // user cannot swap it for a link), to be reported after its status.
      await channel.stream.write("__pygent_err=$(mktemp -d)/err\n");
    }
    const { channel, frames } = this.#opened;
    const token = Array.from(
      crypto.getRandomValues(new Uint8Array(16)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    const marker = encoder.encode(`\n${token} `);
    try {
      // A subshell: an `exit` in the script ends it, not the channel.
      await channel.stream.write(
        `( ${script}\n) </dev/null 2>"$__pygent_err"; __pygent_s=$?; printf '\\n%s %s %s\\n' ` +
          `${token} "$__pygent_s" "$(head -c 2000 "$__pygent_err" | tr '\\n' ' ')"\n`,
      );
      const stdout: Uint8Array[] = [];
      let total = 0;
      /** The last bytes before the newest frame: a marker may be split between two. */
      let carry = new Uint8Array();
      /** Where the marker starts in the whole output, once seen. */
      let markerAt: number | undefined;
      for (;;) {
        const next = await this.#nextFrame(frames);
        if (next.done) throw new RuntimeError("the shell ended");
        // A frame's bytes are only valid until the next is read.
        const data = next.value.data.slice();
        if (next.value.stream !== 1) continue;
        stdout.push(data);
        total += data.length;
        // The end line is at most a few kilobytes past the output itself.
        if (total > maxBytes + 4096) throw new ChannelOutputLimitError(maxBytes);
        if (markerAt === undefined) {
          const window = concat([carry, data]);
          const at = indexOf(window, marker);
          carry = window.slice(-marker.length);
          if (at < 0) continue;
          markerAt = total - window.length + at;
        }
        // The status follows the marker, up to a newline (which may come in a later frame).
        if (data.indexOf(10) < 0) continue;
        const out = concat(stdout);
        const end = out.indexOf(10, markerAt + marker.length);
        if (end < 0) continue;
        const [status, ...said] = decoder.decode(out.subarray(markerAt + marker.length, end))
          .split(" ");
        if (status !== "0") {
          throw new RuntimeError(`exit status ${status}: ${said.join(" ").trim() || "no message"}`);
        }
        return out.slice(0, markerAt);
      }
    } catch (error) {
      // A shell left mid-output would answer the next command with this one's rest.
      if (!(error instanceof RuntimeError && /^exit status/.test(error.message))) this.close();
      throw error;
    }
  }

  /** The next frame, or the idle limit's error once none came for that long. */
  async #nextFrame(frames: AsyncIterator<Frame>): Promise<IteratorResult<Frame>> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const idle = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.#idle.error()), this.#idle.ms);
    });
    try {
      return await Promise.race([frames.next(), idle]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** How long a {@linkcode RootChannel} command may print nothing, and what it then fails with. */
export interface IdleLimit {
  /** Milliseconds without a frame. */
  ms: number;
  /** The error thrown (the channel is closed first). */
  error: () => Error;
}

/** A command's output was over the most the caller would take: it was abandoned. */
export class ChannelOutputLimitError extends RuntimeError {
  /** @param maxBytes The most the caller would take. */
  constructor(readonly maxBytes: number) {
    super(`the command printed more than ${maxBytes} bytes, so it was stopped`);
    this.name = "ChannelOutputLimitError";
  }
}

/**
 * Feeds `input` (when given) to a started exec's stdin, then waits for it to end; rejects with
 * a {@linkcode RuntimeError} (its status and the start of its stderr) unless it exited 0, or
 * when it went `idleMs` without taking input or printing anything (a process of the sandbox's
 * user can be stopped by the sandbox: the sync must not wait for it forever).
 *
 * @example
 * ```ts ignore
 * const execId = await client.createExec(id, { Cmd: ["tar", "-x", "-v", "-f", "-"],
 *   User: "1000", AttachStdin: true, AttachStdout: true, AttachStderr: true });
 * await finishExec(await client.startExec(execId), tarStream(entries), 15_000,
 *   async () => (await client.inspectExec(execId)).ExitCode ?? -1);
 * ```
 */
export async function finishExec(
  stream: ExecStream,
  input: ReadableStream<Uint8Array> | undefined,
  idleMs: number,
  exitCode: () => Promise<number>,
): Promise<void> {
  let idle = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Called on every sign of progress: the process is not stopped. */
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      stream.close();
    }, idleMs);
  };
  alive();
  try {
    // Read while writing: a process that fills its output pipe would stop reading its input.
    const reading = (async () => {
      let said = "";
      try {
        for await (const frame of stream.frames()) {
          alive();
          if (frame.stream === 2 && said.length < 2000) said += decoder.decode(frame.data);
        }
      } catch (error) {
        if (!idle) throw error;
      }
      return said;
    })();
    let writeError: unknown;
    try {
      if (input) {
        for await (const chunk of input) {
          await stream.write(chunk);
          alive();
        }
      }
    } catch (error) {
      // The process ended before all its input was taken: its status says why.
      writeError = error;
    }
    await stream.closeWrite();
    const said = await reading;
    if (idle) {
      throw new RuntimeError(
        `it did nothing for ${idleMs / 1000} s (stopped by the sandbox's own processes?)`,
      );
    }
    const status = await exitCode();
    if (status !== 0) {
      throw new RuntimeError(
        `exit status ${status}: ${said.slice(0, 2000).replace(/\n/g, " ").trim() || "no message"}`,
      );
    }
    if (writeError) throw writeError;
  } finally {
    clearTimeout(timer);
    stream.close();
  }
}

/** Where `needle` first occurs in `haystack`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0];
  for (let i = haystack.indexOf(first); i >= 0; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return -1;
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}
