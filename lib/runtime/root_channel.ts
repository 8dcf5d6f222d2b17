/**
 * A root shell kept open in the container for copy mode's commands (`find`, `tar`, `rm`):
 * starting an exec costs the engine a process spawn each time (tens of milliseconds, more on a
 * busy engine), so the commands of every sync go through one, with binary output.
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
 * const channel = new RootChannel((id) => openRootShell(id));
 * const listing = await channel.run(containerId, "find /workspace -printf '%P\\0'");
 * ```
 */
export class RootChannel {
  readonly #open: (containerId: string) => Promise<OpenedChannel>;
  #opened: { channel: OpenedChannel; frames: AsyncIterator<Frame> } | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /** @param open Starts `/bin/sh` as root in the container, stdin, stdout and stderr attached. */
  constructor(open: (containerId: string) => Promise<OpenedChannel>) {
    this.#open = open;
  }

  /**
   * Runs `script` (shell text) in container `containerId`; resolves to its stdout once it
   * exited 0, else throws a {@linkcode RuntimeError} with its status and what it printed on
   * stderr.
   */
  run(containerId: string, script: string): Promise<Uint8Array> {
    const run = this.#queue.then(() => this.#run(containerId, script));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Ends the shell. */
  close(): void {
    this.#opened?.channel.stream.close();
    this.#opened = undefined;
  }

  async #run(containerId: string, script: string): Promise<Uint8Array> {
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
        const next = await frames.next();
        if (next.done) throw new RuntimeError("the shell ended");
        // A frame's bytes are only valid until the next is read.
        const data = next.value.data.slice();
        if (next.value.stream !== 1) continue;
        stdout.push(data);
        total += data.length;
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
