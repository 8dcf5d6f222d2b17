/**
 * The long-lived shell behind every runtime on Linux and macOS: one shell
 * process per session, fed one command at a time over its stdin, so `cd`,
 * variables, functions and aliases persist like in a terminal.
 *
 * Each call writes one line and reads until that call's end markers: a
 * random token printed after the command on stdout (with the exit code) and
 * on stderr, so both streams are complete and no output can fake the end.
 *
 * @module
 */

import type { BashOptions, BashResult } from "./runtime.ts";
import { RuntimeError } from "./errors.ts";
import { DEFAULT_OUTPUT_LIMIT, MarkedStream } from "./output_buffer.ts";

const encoder = new TextEncoder();

/** One chunk of a shell's output: 1 for stdout, 2 for stderr. */
export interface ShellChunk {
  stream: 1 | 2;
  data: Uint8Array;
}

/**
 * A started shell process, as the Docker and local runtimes provide it.
 * The {@linkcode Shell} speaks its protocol over this.
 */
export interface ShellProcess {
  /** Writes to the shell's stdin. */
  write(text: string): Promise<void>;
  /** The shell's output; ends when the shell ends. */
  readonly output: AsyncIterable<ShellChunk>;
  /** The shell's exit code, once its output has ended. */
  exitCode(): Promise<number>;
  /**
   * Kills what the running command started, not the shell itself, and makes the
   * shell abandon the rest of the command.
   * @param command The shell's pid, and what tells the command's processes from older ones.
   */
  interrupt(command: RunningCommand): Promise<void>;
  /** Ends the shell and frees what it holds. */
  close(): Promise<void>;
}

/** What an interrupt needs to know of the command it stops. */
export interface RunningCommand {
  /** The shell's pid, as it reported it. */
  shellPid: number;
  /**
   * The newest pid when the command was written (from `/proc/loadavg`): the
   * command's processes are the newer ones. Undefined where there is no
   * `/proc` (macOS); then `startedAt` tells them apart.
   */
  lastPid: number | undefined;
  /** When the command was written (`performance.now()`). */
  startedAt: number;
}

/** Options of a {@linkcode Shell}. */
export interface ShellOptions {
  /** Starts a new shell process (at session start, after it ended, on reset). */
  spawn: () => Promise<ShellProcess>;
  /** Bytes of output kept per call, both streams together. Default 1 MiB. */
  outputLimit?: number;
  /**
   * Called when a command was killed by a signal (exit code > 128), to tell why
   * (e.g. out of memory). Its text is added to stderr.
   */
  explainKill?: (exitCode: number) => Promise<string | undefined>;
}

/** A command's time limit when none is given: 30 s. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The longest timer the platform keeps (about 24.8 days); longer limits are held to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A command's time limit as a timer can hold it: the default when unset, at most ~24.8 days. */
export function timerMs(timeoutMs: number | undefined): number {
  return Math.min(timeoutMs ?? DEFAULT_TIMEOUT_MS, MAX_TIMER_MS);
}
/** How long an interrupted command gets to reach its end marker before the shell is replaced. */
const INTERRUPT_GRACE_MS = 2_000;

/**
 * The function every call goes through (`return` from its USR1 trap abandons
 * the command), and `__pygent_last`, which reads the newest pid with builtins
 * only, so each end marker can say where the next command's processes begin.
 */
const PRELUDE = [
  "shopt -s expand_aliases 2>/dev/null",
  "__pygent_run() { trap 'trap - USR1; return 124' USR1; eval \"$__pygent_cmd\"; }",
  "__pygent_last() { __pygent_pid=; [ -r /proc/loadavg ] && " +
  "read -r __pygent_x __pygent_x __pygent_x __pygent_x __pygent_pid < /proc/loadavg; }",
].join("\n");

/** Reads the pid a marker's line carries, if any. */
function pidOf(text: string | undefined): number | undefined {
  const pid = Number(text);
  return text && Number.isSafeInteger(pid) ? pid : undefined;
}

/** Quotes a string as one single-quoted shell word. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

interface Live {
  process: ShellProcess;
  pid: number;
  shell: "bash" | "sh";
  reader: ChunkReader;
  /** The newest pid when the last command ended (see {@linkcode RunningCommand.lastPid}). */
  lastPid: number | undefined;
}

type Outcome = { kind: "marker" } | { kind: "ended" } | { kind: "deadline" };

/**
 * A long-lived shell: one command at a time (calls queue), state kept between calls.
 */
export class Shell {
  readonly #options: ShellOptions;
  #live: Live | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #resetNotice: string | undefined;

  /**
   * Creates a `Shell`.
   * @param options How to start the process and what to keep.
   */
  constructor(options: ShellOptions) {
    this.#options = options;
  }

  /** Which shell runs the commands, once one has started. */
  get kind(): "bash" | "sh" | undefined {
    return this.#live?.shell;
  }

  /** Starts the shell now, so the first command does not wait for it. */
  start(): Promise<void> {
    return this.#serial(async () => {
      await this.#ensure();
    });
  }

  /** Runs one command; calls made while another runs wait their turn. */
  run(cmd: string, options: BashOptions = {}): Promise<BashResult> {
    return this.#serial(() => this.#run(cmd, options));
  }

  /** Replaces the shell with a fresh one (working directory and variables back to defaults). */
  reset(): Promise<void> {
    return this.#serial(async () => {
      await this.#discard();
      await this.#ensure();
    });
  }

  /**
   * Ends the shell at once, even in the middle of a command (which then ends
   * as if the shell had exited), and waits for queued calls to settle.
   */
  async close(): Promise<void> {
    await this.#live?.process.close();
    await this.#serial(() => this.#discard());
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(task, task);
    this.#queue = next.catch(() => {});
    return next;
  }

  async #discard(): Promise<void> {
    const live = this.#live;
    this.#live = undefined;
    if (live) await live.process.close();
  }

  async #ensure(): Promise<Live> {
    if (this.#live) return this.#live;
    const process = await this.#options.spawn();
    const reader = new ChunkReader(process.output);
    const token = newToken();
    await process.write(
      `${PRELUDE}\n__pygent_last; ` +
        `printf '%s %s %s %s\\n' ${token} "$$" "\${BASH_VERSION:-sh}" "$__pygent_pid"\n`,
    );
    const ready = new MarkedStream(encoder.encode(`${token} `), 4096);
    while (!ready.found || !ready.after.includes("\n")) {
      const next = await reader.peek();
      reader.take();
      if (next.done) {
        const code = await process.exitCode();
        await process.close();
        throw new RuntimeError(
          `The sandbox's shell ended as it started (exit code ${code}); the image needs /bin/sh.`,
        );
      }
      if (next.value.stream === 1) ready.push(next.value.data);
    }
    const [pid, version, lastPid] = ready.after.split("\n")[0].split(" ");
    this.#live = {
      process,
      reader,
      pid: Number(pid),
      shell: version === "sh" ? "sh" : "bash",
      lastPid: pidOf(lastPid),
    };
    return this.#live;
  }

  async #run(cmd: string, options: BashOptions): Promise<BashResult> {
    options.signal?.throwIfAborted();
    const started = performance.now();
    const live = await this.#ensure();
    const token = newToken();
    const limit = (this.#options.outputLimit ?? DEFAULT_OUTPUT_LIMIT) / 2;
    const stdout = new MarkedStream(encoder.encode(`${token}:`), limit);
    const stderr = new MarkedStream(encoder.encode(`${token}:`), limit);
    const notice = this.#resetNotice;
    this.#resetNotice = undefined;

    await live.process.write(
      `__pygent_cmd=${shellQuote(cmd)}; __pygent_run </dev/null; __pygent_rc=$?; trap - USR1; ` +
        `__pygent_last; printf '%s:%s %s\\n' ${token} "$__pygent_rc" "$__pygent_pid"; ` +
        `printf '%s:' ${token} >&2\n`,
    );
    const timeoutMs = timerMs(options.timeoutMs);
    const deadline = deadlineSignal(timeoutMs, options.signal);
    let outcome: Outcome;
    let timedOut = false;
    try {
      outcome = await readUntilMarkers(live.reader, stdout, stderr, deadline.signal);
      if (outcome.kind === "deadline") {
        timedOut = true;
        const command = { shellPid: live.pid, lastPid: live.lastPid, startedAt: started };
        await live.process.interrupt(command).catch(() => {});
        outcome = await readUntilMarkers(
          live.reader,
          stdout,
          stderr,
          AbortSignal.timeout(INTERRUPT_GRACE_MS),
        );
      }
    } catch (error) {
      // The stream broke (engine gone): this shell cannot be trusted any more.
      this.#live = undefined;
      await live.process.close();
      throw error;
    } finally {
      deadline.clear();
    }

    let exitCode: number;
    let endNotice: string | undefined;
    if (outcome.kind === "marker") {
      const [code, lastPid] = stdout.after.split("\n")[0].split(" ");
      exitCode = parseInt(code, 10);
      live.lastPid = pidOf(lastPid);
    } else {
      // The shell itself ended (exit, exec, kill -9 $$) or would not stop.
      stdout.end();
      stderr.end();
      this.#live = undefined;
      await live.process.close();
      exitCode = outcome.kind === "ended" && !timedOut ? await live.process.exitCode() : 124;
      endNotice = "The shell ended; the next command runs in a fresh shell in the workspace " +
        "(working directory, variables and functions were reset).";
      this.#resetNotice ??= "This command ran in a fresh shell: the previous one ended, so the " +
        "working directory, variables and functions were reset.";
    }
    if (timedOut) exitCode = 124;
    // The shell's own report of a job killed by SIGKILL ("main: line 2: 13 Killed  sleep 20")
    // names our wrapper, not the user's command: the exit code, timedOut and the
    // out-of-memory explanation say it instead.
    let stderrText = stderr.output.text().replace(/^\S+: line \d+: +\d+ Killed .*\n?/gm, "");
    if (!timedOut && exitCode > 128) {
      const why = await this.#options.explainKill?.(exitCode);
      if (why) stderrText += (stderrText && !stderrText.endsWith("\n") ? "\n" : "") + why + "\n";
    }
    if (options.signal?.aborted) throw options.signal.reason;
    return {
      stdout: stdout.output.text(),
      stderr: stderrText,
      exitCode,
      timedOut,
      durationMs: Math.round(performance.now() - started),
      ...(notice || endNotice ? { notice: [notice, endNotice].filter(Boolean).join(" ") } : {}),
    };
  }

  /** Remembers a notice to attach to the next result (e.g. "the container was replaced"). */
  noteForNextResult(notice: string): void {
    this.#resetNotice = notice;
  }
}

/**
 * Reads chunks one at a time; a read still pending when a deadline passes is
 * kept for the next caller instead of losing its chunk.
 */
class ChunkReader {
  readonly #iterator: AsyncIterator<ShellChunk>;
  #pending: Promise<IteratorResult<ShellChunk>> | undefined;

  constructor(source: AsyncIterable<ShellChunk>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  /** The next chunk, without taking it: a caller that gives up leaves it for the next. */
  peek(): Promise<IteratorResult<ShellChunk>> {
    this.#pending ??= this.#iterator.next();
    return this.#pending;
  }

  /** Takes the chunk that {@linkcode ChunkReader.peek} resolved to. */
  take(): void {
    this.#pending = undefined;
  }
}

async function readUntilMarkers(
  reader: ChunkReader,
  stdout: MarkedStream,
  stderr: MarkedStream,
  signal: AbortSignal,
): Promise<Outcome> {
  if (stdout.found && stdout.after.includes("\n") && stderr.found) return { kind: "marker" };
  const aborted = new Promise<Outcome>((resolve) => {
    if (signal.aborted) resolve({ kind: "deadline" });
    signal.addEventListener("abort", () => resolve({ kind: "deadline" }), { once: true });
  });
  while (true) {
    const next = await Promise.race([reader.peek(), aborted]);
    if ("kind" in next) return next;
    reader.take();
    if (next.done) return { kind: "ended" };
    (next.value.stream === 1 ? stdout : stderr).push(next.value.data);
    if (stdout.found && stdout.after.includes("\n") && stderr.found) return { kind: "marker" };
  }
}

function deadlineSignal(timeoutMs: number, signal?: AbortSignal) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    clear() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}
