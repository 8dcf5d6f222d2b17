/**
 * The long-lived shell behind every runtime on Linux and macOS: one shell
 * process per session, fed one command at a time over its stdin, so `cd`,
 * variables (`declare` included), functions, aliases and traps persist like
 * in a terminal.
 *
 * Each call writes one line. The shell acknowledges it on stdout (so a
 * command that never reached a shell is never reported as run), runs the
 * command at the top level of a sourced here-document, then prints the
 * call's end markers: a random token after the command on stdout (with the
 * exit code) and on stderr, so both streams are complete and no output can
 * fake the end.
 *
 * @module
 */

import type { BashOptions, BashResult } from "./runtime.ts";
import { RuntimeError } from "./errors.ts";
import { DEFAULT_OUTPUT_LIMIT, LiveText, MarkedStream } from "./output_buffer.ts";

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
  /** Writes to the shell's stdin; rejects when the shell can no longer read it. */
  write(text: string): Promise<void>;
  /** The shell's output; ends when the shell ends. */
  readonly output: AsyncIterable<ShellChunk>;
  /** The shell's exit code, once its output has ended. */
  exitCode(): Promise<number>;
  /**
   * Kills what the running command started, not the shell itself, and sends the
   * shell {@linkcode ABANDON_SIGNAL} so it abandons the rest of the command.
   * Called again while the command has not ended.
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
  /**
   * Starts a new shell process (at session start, after it ended, on reset).
   * Aborting `signal` abandons the start.
   */
  spawn: (signal?: AbortSignal) => Promise<ShellProcess>;
  /** Bytes of output kept per call, both streams together. Default 1 MiB. */
  outputLimit?: number;
  /**
   * Called when a command was killed by a signal (exit code > 128), to tell why
   * (e.g. out of memory). Its text is added to stderr.
   */
  explainKill?: (exitCode: number) => Promise<string | undefined>;
  /**
   * Shell code run once when the shell starts, after Pygent's own. It may define
   * `__pygent_guard AFTER_PID [settle]`, run with `settle` after a command that
   * made a process and without before one that follows a command that left
   * processes behind, with builtins only; it sets `__pygent_swept` to the number
   * of processes it killed and `__pygent_left` to 1 when the command left some.
   */
  prelude?: string;
  /**
   * How long the shell may take to print its first line, and the error to throw
   * when it does not (e.g. a hung engine). Default: no limit.
   */
  startDeadline?: { ms: number; error: () => Error };
}

/** A command's time limit when none is given: 30 s. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The signal that makes the shell abandon a command, as Ctrl-C abandons a line in a
 * terminal: its trap returns from the sourced command. SIGURG is ignored by default
 * and trapped by no one's scripts, so a stray one harms nothing and USR1/USR2 stay
 * the user's.
 */
export const ABANDON_SIGNAL: Deno.Signal = "SIGURG";

/** The longest timer the platform keeps (about 24.8 days); longer limits are held to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A command's time limit as a timer can hold it: the default when unset, at most ~24.8 days. */
export function timerMs(timeoutMs: number | undefined): number {
  return Math.min(timeoutMs ?? DEFAULT_TIMEOUT_MS, MAX_TIMER_MS);
}
/** How long an interrupted command gets to reach its end marker before the shell is replaced. */
const INTERRUPT_GRACE_MS = 2_000;
/** How long the notice of a shell that died while idle waits for its exit code. */
const EXIT_CODE_WAIT_MS = 1_000;
/** The first wait for the end marker after an interrupt; it doubles for each new interrupt. */
const INTERRUPT_RETRY_MS = 100;

/**
 * What the abandon trap runs while a command runs (`__pygent_busy`): a `return`
 * from the sourced command. In bash, a command stopped inside one of its own
 * functions, or inside a file it sourced, cannot be unwound by a `return`,
 * which would leave only that: the shell ends instead (the next command gets a
 * fresh one, with a notice), so nothing of a stopped command ever runs on. sh
 * cannot tell, and returns from the innermost function.
 */
const BASH_ABANDON = 'if [ -n "$__pygent_busy" ]; then ' +
  '[ -z "${FUNCNAME[0]-}" ] && [ "${BASH_SOURCE[0]-}" = /dev/./stdin ] && return 124; exit 124; fi';
const SH_ABANDON = '[ -n "$__pygent_busy" ] && return 124';

/**
 * What Pygent's own functions start with (`eval "$__pygent_enter"`) and end
 * with (`__pygent_leave`), so that what the user set (`set -e`, `-u`, `-f`,
 * `-x`, a changed `IFS`) can neither break them nor trace them; `local -`
 * restores the options on return. A shell without it (bash before 4.4, such
 * as macOS's 3.2) saves `$-` and sets the options back itself.
 */
const ENTER_WITH_LOCAL = 'local - IFS=" \t\n"; set +eufx';
const ENTER_WITHOUT_LOCAL = '__pygent_opts=$-; local IFS=" \t\n"; set +eufx';

/** The file descriptors bash keeps its own copies of stdout and stderr on. */
const SAVED_FDS = { stdout: 62, stderr: 63 };

/**
 * Pygent's part of the shell, run once at its start:
 * - in bash, its own copies of stdout and stderr for the acknowledgement and the
 *   markers (on {@linkcode SAVED_FDS}, closed for the command itself so none of
 *   its processes holds them), so a user's `exec 2>&1` or `exec >log` cannot
 *   swallow them;
 * - the abandon trap on {@linkcode ABANDON_SIGNAL}; it shows in `trap -p`
 *   (hiding it would take a function named `trap`, which would lose the user's
 *   ERR, DEBUG and RETURN traps);
 * - `__pygent_last`, which reads the newest pid with builtins only, so each end
 *   marker can say where the next command's processes begin;
 * - a `__pygent_guard` that does nothing, for runtimes without a pids limit;
 * - `__pygent_a TOKEN [AFTER_PID]`, run before a command: the guard (when asked
 *   for), then `TOKEN+`, the acknowledgement that the shell took the command;
 * - `__pygent_z TOKEN LASTPID`, run after it while `$?` is still the command's:
 *   the guard when the command made a process at all (the newest pid moved;
 *   builtins make none), then `TOKEN:CODE LASTPID SWEPT_BEFORE SWEPT_AFTER LEFT`
 *   on stdout and `TOKEN:` on stderr.
 *
 * Calls are written `\__pygent_a` so no alias applies, and print with
 * `command printf` so no function of the user's does. The banner's last field
 * says whether the copies exist.
 */
const PRELUDE = `shopt -s expand_aliases 2>/dev/null
__pygent_busy= __pygent_o=1 __pygent_e=2
if (__pygent_t() { local -; }; __pygent_t) 2>/dev/null; then
  __pygent_enter=${shellQuote(ENTER_WITH_LOCAL)}
  __pygent_leave() { :; }
else
  __pygent_enter=${shellQuote(ENTER_WITHOUT_LOCAL)}
  __pygent_leave() {
    case $__pygent_opts in *e*) set -e ;; esac
    case $__pygent_opts in *u*) set -u ;; esac
    case $__pygent_opts in *f*) set -f ;; esac
    case $__pygent_opts in *x*) set -x ;; esac
  }
fi
if [ -n "\${BASH_VERSION-}" ]; then
  eval 'exec ${SAVED_FDS.stdout}>&1 ${SAVED_FDS.stderr}>&2' && __pygent_o=${SAVED_FDS.stdout} __pygent_e=${SAVED_FDS.stderr}
  trap -- ${shellQuote(BASH_ABANDON)} URG
else
  trap -- ${shellQuote(SH_ABANDON)} URG
fi
__pygent_last() {
  __pygent_pid=
  if [ -r /proc/loadavg ]; then
    read -r __pygent_x __pygent_x __pygent_x __pygent_x __pygent_pid < /proc/loadavg
  fi
}
__pygent_guard() { __pygent_swept=0 __pygent_left=0; }
__pygent_a() {
  eval "$__pygent_enter"
  __pygent_pre=0
  [ -z "$2" ] || { __pygent_guard "$2"; __pygent_pre=$__pygent_swept; }
  command printf '%s+' "$1" >&"$__pygent_o"
  __pygent_busy=1
  __pygent_leave
}
__pygent_z() {
  __pygent_rc=$? __pygent_busy=
  eval "$__pygent_enter"
  __pygent_swept=0 __pygent_left=0
  __pygent_last
  if [ -z "$2" ] || [ "$__pygent_pid" != "$2" ]; then __pygent_guard "$2" settle; __pygent_last; fi
  command printf '%s:%s %s %s %s %s\\n' "$1" "$__pygent_rc" "$__pygent_pid" "$__pygent_pre" \\
    "$__pygent_swept" "$__pygent_left" >&"$__pygent_o"
  command printf '%s:' "$1" >&"$__pygent_e"
  __pygent_leave
}`;

/**
 * The command runs from here: a here-document sourced as a script, so it runs
 * at the top level (`declare` makes globals) and `return` from the trap can
 * abandon it. `/dev/./stdin` names the source in the shell's own reports
 * ("/dev/./stdin: line 1: 42 Killed ..."), which no user script is called.
 */
const SOURCE_NAME = "/dev/./stdin";
/**
 * Pygent's part of the line, out of a user's `set -x` trace where the shell
 * writes its markers to its own copies of stdout and stderr (the trace goes to
 * stderr, which is then free to silence).
 */
function quiet(live: Live, code: string): string {
  return live.savedFds ? `{ ${code}; } 2>/dev/null` : code;
}

/** The sourced line; with bash's own copies of stdout and stderr, closed for the command. */
function sourced(savedFds: boolean): string {
  const close = savedFds ? ` ${SAVED_FDS.stdout}>&- ${SAVED_FDS.stderr}>&-` : "";
  return `\\eval "$__pygent_cmd" </dev/null${close}\n_\n`;
}
/** The shell's own report of a job of ours killed by SIGKILL (a timeout's sweep, the OOM killer). */
const OWN_KILL_REPORT = /^\/dev\/\.\/stdin: line \d+: +\d+ Killed .*\n?/gm;

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
  /** The newest pid when the last command was written: where its processes begin. */
  lastStartPid: number | undefined;
  /** The last command left processes behind: the next one checks the pids limit first. */
  leftProcesses: boolean;
  /** The shell keeps its own copies of stdout and stderr (see {@linkcode SAVED_FDS}). */
  savedFds: boolean;
}

type Outcome = { kind: "marker" } | { kind: "ended" } | { kind: "deadline" };

/** What reading one call's output found: the streams, and whether the shell took the command. */
interface CallStreams {
  /** Output before the acknowledgement: what earlier background jobs printed meanwhile. */
  early: MarkedStream;
  stdout: MarkedStream;
  stderr: MarkedStream;
}

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

  /** Remembers a notice to attach to the next result (e.g. "the container was replaced"). */
  noteForNextResult(notice: string): void {
    this.#resetNotice = this.#resetNotice ? `${this.#resetNotice} ${notice}` : notice;
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

  /** The live shell, or a new one; a shell that ended while idle is replaced, with a notice. */
  async #ensure(signal?: AbortSignal): Promise<Live> {
    const live = this.#live;
    if (live && !live.reader.ended) return live;
    if (live) {
      this.#live = undefined;
      await live.process.close();
      // A container that went with the shell is reported by the runtime as it replaces it. A
      // slow engine only costs the notice its exit code: a cancel is never held up by it.
      const code = await within(live.process.exitCode(), EXIT_CODE_WAIT_MS, signal);
      if (code !== undefined) {
        this.noteForNextResult(
          `The shell had ended (exit code ${code}) since the last command; this command ran ` +
            "in a fresh shell in the workspace (working directory, variables and functions were reset).",
        );
      }
    }
    this.#live = await this.#start(signal);
    return this.#live;
  }

  async #start(signal?: AbortSignal): Promise<Live> {
    const process = await this.#options.spawn(signal);
    const reader = new ChunkReader(process.output);
    const token = newToken();
    const deadline = this.#options.startDeadline;
    const stop = deadlineSignal(deadline?.ms, signal);
    try {
      await process.write(
        `${PRELUDE}\n${this.#options.prelude ?? ""}\n__pygent_last; ` +
          `printf '%s %s %s %s %s\\n' ${token} "$$" "\${BASH_VERSION:-sh}" "$__pygent_pid" ` +
          `"$__pygent_o"\n`,
      );
      const ready = new MarkedStream(encoder.encode(`${token} `), 4096);
      while (!ready.found || !ready.after.includes("\n")) {
        const next = await Promise.race([reader.peek(), stop.aborted]);
        if (next === "aborted") {
          signal?.throwIfAborted();
          throw deadline!.error();
        }
        reader.take();
        if (next.done) {
          const code = await process.exitCode();
          throw new RuntimeError(
            `The sandbox's shell ended as it started (exit code ${code}); the image needs /bin/sh.`,
          );
        }
        if (next.value.stream === 1) ready.push(next.value.data);
      }
      const [pid, version, lastPid, stdoutFd] = ready.after.split("\n")[0].split(" ");
      reader.watch();
      return {
        process,
        reader,
        pid: Number(pid),
        shell: version === "sh" ? "sh" : "bash",
        lastPid: pidOf(lastPid),
        lastStartPid: pidOf(lastPid),
        leftProcesses: false,
        savedFds: stdoutFd === String(SAVED_FDS.stdout),
      };
    } catch (error) {
      await process.close();
      throw error;
    } finally {
      stop.clear();
    }
  }

  async #run(cmd: string, options: BashOptions): Promise<BashResult> {
    options.signal?.throwIfAborted();
    const started = performance.now();
    // A command that never reached a shell (it had died, or died as the line was written)
    // is run once more in a fresh one: it is never reported as run.
    const retried = "The shell had ended before this command reached it; it ran in a fresh " +
      "shell in the workspace (working directory, variables and functions were reset).";
    for (let attempt = 1; attempt <= 2; attempt++) {
      const live = await this.#ensure(options.signal);
      const result = await this.#runIn(live, cmd, options, started);
      if (result) {
        if (attempt === 1) return result;
        return { ...result, notice: [retried, result.notice].filter(Boolean).join(" ") };
      }
    }
    throw new RuntimeError(
      "The sandbox's shell ended twice before it could run the command; the command did " +
        "not run. Check that the image's shell works (docker logs, the image's /bin/sh).",
    );
  }

  /** Runs the command in `live`; undefined when the shell never took it. */
  async #runIn(
    live: Live,
    cmd: string,
    options: BashOptions,
    started: number,
  ): Promise<BashResult | undefined> {
    const token = newToken();
    const limit = (this.#options.outputLimit ?? DEFAULT_OUTPUT_LIMIT) / 2;
    const shown = liveStreams(options.onOutput);
    const streams: CallStreams = {
      early: new MarkedStream(encoder.encode(`${token}+`), limit, shown?.stdout),
      stdout: new MarkedStream(encoder.encode(`${token}:`), limit, shown?.stdout),
      stderr: new MarkedStream(encoder.encode(`${token}:`), limit, shown?.stderr),
    };
    const command = { shellPid: live.pid, lastPid: live.lastPid, startedAt: started };
    try {
      const guardAfter = live.leftProcesses ? live.lastStartPid ?? "" : "";
      await live.process.write(
        quiet(live, `__pygent_cmd=${shellQuote(cmd)}; \\__pygent_a ${token} "${guardAfter}"`) +
          `; \\. ${SOURCE_NAME} <<'_'; ` +
          quiet(live, `\\__pygent_z ${token} "${live.lastPid ?? ""}"`) + "\n" +
          sourced(live.savedFds),
      );
    } catch {
      // The shell cannot read any more (EPIPE, a closed stream): it never got the command.
      await this.#discard();
      return undefined;
    }
    live.lastStartPid = live.lastPid;

    const deadline = deadlineSignal(timerMs(options.timeoutMs), options.signal);
    let outcome: Outcome;
    let timedOut = false;
    try {
      outcome = await readUntilMarkers(live.reader, streams, deadline.signal);
      if (outcome.kind === "deadline") {
        timedOut = true;
        outcome = await this.#stop(live, streams, command);
      }
    } catch (error) {
      // The stream broke (engine gone): this shell cannot be trusted any more.
      this.#live = undefined;
      await live.process.close();
      throw error;
    } finally {
      deadline.clear();
    }
    if (outcome.kind === "ended" && !streams.early.found && !timedOut) {
      await this.#discard();
      return undefined;
    }
    live.reader.watch();

    const notices: string[] = [];
    let exitCode: number;
    let nextNotice: string | undefined;
    if (outcome.kind === "marker") {
      const [code, lastPid, pre, post, left] = streams.stdout.after.split("\n")[0].split(" ");
      exitCode = parseInt(code, 10);
      live.lastPid = pidOf(lastPid);
      live.leftProcesses = left === "1";
      if (Number(pre) > 0) {
        notices.push(
          `The previous command left ${pre} processes that filled the pids limit; ` +
            "they were killed before this one ran.",
        );
      }
      if (Number(post) > 0) {
        notices.push(
          `The command left ${post} processes that filled the pids limit; they were killed.`,
        );
      }
    } else {
      // The shell itself ended (exit, exec, kill -9 $$) or would not stop.
      streams.early.end();
      streams.stdout.end();
      streams.stderr.end();
      this.#live = undefined;
      await live.process.close();
      exitCode = outcome.kind === "ended" && !timedOut ? await live.process.exitCode() : 124;
      notices.push(
        "The shell ended; the next command runs in a fresh shell in the workspace " +
          "(working directory, variables and functions were reset).",
      );
      nextNotice = "This command ran in a fresh shell: the previous one ended, so the " +
        "working directory, variables and functions were reset.";
    }
    if (timedOut) exitCode = 124;
    shown?.end();
    let stderrText = streams.stderr.output.text().replace(OWN_KILL_REPORT, "");
    if (!timedOut && exitCode > 128) {
      const why = await this.#options.explainKill?.(exitCode);
      if (why) stderrText += (stderrText && !stderrText.endsWith("\n") ? "\n" : "") + why + "\n";
    }
    if (options.signal?.aborted) throw options.signal.reason;
    const notice = [this.#resetNotice, ...notices].filter(Boolean).join(" ");
    this.#resetNotice = nextNotice;
    return {
      stdout: streams.early.output.text() + streams.stdout.output.text(),
      stderr: stderrText,
      exitCode,
      timedOut,
      durationMs: Math.round(performance.now() - started),
      ...(notice ? { notice } : {}),
    };
  }

  /**
   * Stops a command past its deadline: interrupts it, and again with longer
   * waits while its end marker does not come, until the grace time is up.
   */
  async #stop(live: Live, streams: CallStreams, command: RunningCommand): Promise<Outcome> {
    const giveUp = performance.now() + INTERRUPT_GRACE_MS;
    let wait = INTERRUPT_RETRY_MS;
    while (true) {
      await live.process.interrupt(command).catch(() => {});
      const left = giveUp - performance.now();
      const outcome = await readUntilMarkers(
        live.reader,
        streams,
        AbortSignal.timeout(Math.max(0, Math.min(wait, left))),
      );
      if (outcome.kind !== "deadline" || left <= wait) return outcome;
      wait *= 2;
    }
  }
}

/**
 * The `MarkedStream` callbacks that pass a call's output on as text to `onOutput`, one
 * decoder per stream; undefined when no one listens, so a call without it pays nothing.
 */
function liveStreams(onOutput: BashOptions["onOutput"]) {
  if (!onOutput) return undefined;
  const stdout = new LiveText((text) => onOutput({ stream: "stdout", text }));
  const reports = withoutOwnKillReports((text) => onOutput({ stream: "stderr", text }));
  const stderr = new LiveText(reports.push);
  return {
    stdout: (bytes: Uint8Array) => stdout.push(bytes),
    stderr: (bytes: Uint8Array) => stderr.push(bytes),
    end() {
      stdout.end();
      stderr.end();
      reports.end();
    },
  };
}

/** How the shell's own report of a killed job begins (see {@linkcode OWN_KILL_REPORT}). */
const OWN_KILL_START = `${SOURCE_NAME}: line `;

/**
 * Passes stderr's text on without the shell's own reports of a job of ours it saw killed, as
 * the result's stderr has none: a line that may be one is held until it is whole.
 */
function withoutOwnKillReports(onText: (text: string) => void) {
  let held = "";
  const pass = (text: string) => {
    const shown = text.includes(SOURCE_NAME) ? text.replace(OWN_KILL_REPORT, "") : text;
    if (shown) onText(shown);
  };
  return {
    push(text: string) {
      text = held + text;
      const lineStart = text.lastIndexOf("\n") + 1;
      const last = text.slice(lineStart);
      const mayBeReport = last.length < OWN_KILL_START.length
        ? OWN_KILL_START.startsWith(last)
        : last.startsWith(OWN_KILL_START);
      held = mayBeReport && last !== "" ? last : "";
      pass(held ? text.slice(0, lineStart) : text);
    },
    end() {
      pass(held);
      held = "";
    },
  };
}

/**
 * Reads chunks one at a time; a read still pending when a deadline passes is
 * kept for the next caller instead of losing its chunk.
 */
class ChunkReader {
  readonly #iterator: AsyncIterator<ShellChunk>;
  #pending: Promise<IteratorResult<ShellChunk>> | undefined;
  #ended = false;

  constructor(source: AsyncIterable<ShellChunk>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  /** True once the output is known to have ended (the shell is gone). */
  get ended(): boolean {
    return this.#ended;
  }

  /** The next chunk, without taking it: a caller that gives up leaves it for the next. */
  peek(): Promise<IteratorResult<ShellChunk>> {
    if (!this.#pending) {
      const pending = this.#iterator.next();
      pending.then((next) => {
        if (next.done) this.#ended = true;
      }, () => {
        this.#ended = true;
      });
      this.#pending = pending;
    }
    return this.#pending;
  }

  /** Takes the chunk that {@linkcode ChunkReader.peek} resolved to. */
  take(): void {
    this.#pending = undefined;
  }

  /** Keeps a read pending between calls, so a shell that dies while idle is noticed. */
  watch(): void {
    this.peek().catch(() => {});
  }
}

async function readUntilMarkers(
  reader: ChunkReader,
  { early, stdout, stderr }: CallStreams,
  signal: AbortSignal,
): Promise<Outcome> {
  const done = () => stdout.found && stdout.after.includes("\n") && stderr.found;
  if (done()) return { kind: "marker" };
  const aborted = whenAborted(signal).then((): Outcome => ({ kind: "deadline" }));
  while (true) {
    const next = await Promise.race([reader.peek(), aborted]);
    if ("kind" in next) return next;
    reader.take();
    if (next.done) return { kind: "ended" };
    const { stream, data } = next.value;
    if (stream === 2) {
      stderr.push(data);
    } else if (early.found) {
      stdout.push(data);
    } else {
      early.push(data);
      if (early.found) stdout.push(early.afterBytes);
    }
    if (done()) return { kind: "marker" };
  }
}

/**
 * `promise`'s value, or undefined when it fails or takes longer than `ms`;
 * rejects with the signal's reason when `signal` aborts first.
 */
async function within<T>(
  promise: Promise<T>,
  ms: number,
  signal?: AbortSignal,
): Promise<T | undefined> {
  const stop = deadlineSignal(ms, signal);
  try {
    return await Promise.race([
      promise.catch(() => undefined),
      stop.aborted.then(() => {
        signal?.throwIfAborted();
        return undefined;
      }),
    ]);
  } finally {
    stop.clear();
  }
}

/** Resolves once `signal` aborts (at once when it already has). */
function whenAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** A signal that aborts after `ms` (when given) or when `signal` aborts, whichever comes first. */
function deadlineSignal(ms: number | undefined, signal?: AbortSignal) {
  const controller = new AbortController();
  const timer = ms === undefined ? undefined : setTimeout(() => controller.abort(), ms);
  const onAbort = () => controller.abort();
  if (signal?.aborted) controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    aborted: whenAborted(controller.signal).then(() => "aborted" as const),
    clear() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    },
  };
}
