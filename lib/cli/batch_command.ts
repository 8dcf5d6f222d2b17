/**
 * `pygent batch TASKS.jsonl [--parallel N] [--out RESULTS.jsonl] [--engines URL,…] [--json]`:
 * runs every task of the file over the pool of engines, and shows a progress bar on a terminal
 * (done, running, failed, per engine) or the batch's events as JSON lines otherwise.
 *
 * @module
 */

import path from "node:path";
import { Agent } from "../agent/mod.ts";
import {
  type BatchEvent,
  BatchSetupError,
  findEngines,
  NoEngineError,
  readTasksFile,
  ResultsFile,
  ResultsFileError,
  runBatch,
  TasksFileError,
} from "../batch/mod.ts";
import { loadSettings } from "../config/mod.ts";
import { ConfigError } from "../errors.ts";
import { SessionError, sessionsDir } from "../sessions/mod.ts";
import { agentOptions } from "./agent_options.ts";
import { parseBatchArgs } from "./args.ts";
import { BROKEN_PIPE_EXIT_CODE, untilPipeBreaks } from "./broken_pipe.ts";
import type { CommandIo } from "./command_io.ts";
import { counted } from "./counted.ts";
import { USAGE_EXIT_CODE, UsageError } from "./errors.ts";
import { progressBar } from "./progress_bar.ts";
import { safeJson, sanitize } from "./sanitize.ts";
import { onSignals, signalExitCode } from "./signals.ts";
import { colorWanted, createStyle, type Style } from "./style.ts";

/**
 * Runs `pygent batch` with the arguments after `batch`; resolves to the exit code: 0 when every
 * task is done, 1 when one failed (or hit its step limit or timeout), did not run for want of
 * an engine, or the results file could not be written (the batch then stops), or no engine
 * answers, 2 for
 * bad input (flags, the tasks file, an engine's settings, host mode), 130 after Ctrl-C, 141
 * when what reads stdout stops reading (`| head`): the batch then stops as after Ctrl-C.
 *
 * @example
 * ```ts ignore
 * import { runBatchCommand } from "./batch_command.ts";
 * const code = await runBatchCommand(["tasks.jsonl", "--json"], {
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * });
 * ```
 */
export async function runBatchCommand(argv: string[], io: CommandIo): Promise<number> {
  const refuse = (error: Error, code: number) => {
    io.err(`pygent batch: ${sanitize(error.message)}\n`);
    return code;
  };
  let setup;
  try {
    setup = await prepare(argv, io);
  } catch (error) {
    if (error instanceof NoEngineError) return refuse(error, 1);
    if (
      error instanceof UsageError || error instanceof ConfigError ||
      error instanceof TasksFileError || error instanceof ResultsFileError ||
      error instanceof BatchSetupError
    ) {
      return refuse(error, USAGE_EXIT_CODE);
    }
    throw error;
  }
  if (setup.kind === "print") {
    io.out(setup.text);
    return 0;
  }
  const { args, settings, tasks, results, getEnv } = setup;
  const live = !args.json && Deno.stdout.isTerminal();
  const controller = new AbortController();
  let stoppedBy: number | undefined;
  // No one reads the events any more (`| head`): stop as Ctrl-C does, so that no container
  // outlives the batch and the results file resumes, instead of dying mid-task.
  const out = untilPipeBreaks(io.out, () => {
    stoppedBy ??= BROKEN_PIPE_EXIT_CODE;
    controller.abort();
  });
  const view = live
    ? new ProgressView({ ...io, out }, createStyle(colorWanted(Deno.stdout)))
    : undefined;
  const show = (event: BatchEvent) => view ? view.event(event) : out(`${safeJson(event)}\n`);
  let engines;
  try {
    engines = await findEngines(
      settings.engines.value.map((spec) => ({ ...spec, file: settings.engines.file })),
      getEnv,
      (message) => show({ type: "notice", message }),
    );
  } catch (error) {
    if (error instanceof NoEngineError) return refuse(error, 1);
    if (error instanceof BatchSetupError) return refuse(error, USAGE_EXIT_CODE);
    throw error;
  }
  const options = agentOptions(settings, { workspace: undefined, getEnv, onEvent: () => {} });
  let keptIn: string | undefined;
  if (settings.history.value) {
    try {
      keptIn = sessionsDir(getEnv);
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      show({ type: "notice", message: `The tasks' sessions are not kept: ${error.message}` });
    }
  }
  const removeSignals = onSignals((signal) => {
    stoppedBy ??= signalExitCode(signal);
    controller.abort();
  });
  try {
    let summary;
    try {
      summary = await runBatch({
        tasks,
        engines,
        parallel: args.parallel,
        results,
        diffsDir: diffsDirOf(results.path),
        agentOptions: options,
        sessionsDir: keptIn,
        signal: controller.signal,
        onEvent: show,
      });
    } catch (error) {
      // Results that cannot be kept: the batch stopped, its containers removed.
      if (error instanceof ResultsFileError) return refuse(error, 1);
      throw error;
    }
    if (summary.cancelled) return stoppedBy ?? signalExitCode("SIGINT");
    const allDone = summary.results.every((result) => result.outcome === "done");
    return allDone && summary.notRun.length === 0 ? 0 : 1;
  } finally {
    removeSignals();
    view?.close();
  }
}

/** Everything checked before the first task starts; a failure here loses nothing. */
async function prepare(argv: string[], io: CommandIo) {
  const parsed = parseBatchArgs(argv);
  if (parsed.kind === "print") return parsed;
  const args = parsed.args;
  const getEnv = io.getEnv;
  const { settings } = await loadSettings({ flags: args.flags, getEnv, cwd: io.cwd });
  if (settings.sandbox.value === "host") {
    throw new BatchSetupError(
      "every task runs in a container, never on the host " +
        `(${settings.sandbox.source === "flag" ? "the flag" : "the setting"} sandbox = host); ` +
        "drop --no-docker, or set sandbox to auto or docker.",
    );
  }
  // A missing API key, or a bad limit, is found here, not once per task.
  new Agent(agentOptions(settings, { workspace: undefined, getEnv, onEvent: () => {} }));
  const tasksFile = path.resolve(io.cwd, args.tasksFile);
  const tasks = await readTasksFile(tasksFile);
  const out = path.resolve(io.cwd, args.out ?? defaultResults(tasksFile));
  const results = await ResultsFile.open(out);
  return { kind: "batch" as const, args, settings, tasks, results, getEnv };
}

/** `DIR/tasks.jsonl` → `DIR/tasks.results.jsonl`. */
function defaultResults(tasksFile: string): string {
  return tasksFile.replace(/(\.jsonl?)?$/, ".results.jsonl");
}

/** `results.jsonl` → `results.diffs`: the diff files go beside the results. */
function diffsDirOf(resultsFile: string): string {
  return resultsFile.replace(/(\.jsonl?)?$/, ".diffs");
}

/** Cells of the progress bar. */
const BAR_WIDTH = 20;

/**
 * The terminal's view: notices and each task's end on a line of their own, and one line
 * redrawn below them: a bar of the tasks ended, then done, running, failed, and per engine its
 * running tasks.
 */
class ProgressView {
  readonly #io: CommandIo;
  readonly #style: Style;
  #total = 0;
  #done = 0;
  #failed = 0;
  #notRun = 0;
  readonly #running = new Map<string, number>();
  #drawn = false;

  constructor(io: CommandIo, style: Style) {
    this.#io = io;
    this.#style = style;
  }

  event(event: BatchEvent): void {
    const style = this.#style;
    switch (event.type) {
      case "batch_start":
        this.#total = event.tasks;
        for (const engine of event.engines) this.#running.set(sanitize(engine), 0);
        this.#line(
          event.tasks === 0 && event.skipped > 0
            // A second run of a finished batch: say why nothing runs, and how to run it again.
            ? `Nothing to run: every task is already in ${sanitize(event.results)} (delete ` +
              "it, or give another --out, to run them again)."
            : `${counted(event.tasks, "task")} over ${counted(event.engines.length, "engine")}, ` +
              `${event.parallel} at a time${
                event.skipped ? `; ${event.skipped} already in ${sanitize(event.results)}` : ""
              }.`,
        );
        break;
      case "task_start":
        this.#count(event.engine, 1);
        break;
      case "attempt_lost":
        // Its retry is a task_start of its own.
        this.#count(event.engine, -1);
        break;
      case "task_not_run":
        this.#notRun++;
        this.#line(
          `${sanitize(event.id)}: ${style.yellow("not run")} ${style.dim(sanitize(event.error))}`,
        );
        break;
      case "task_end": {
        if (event.engine !== null) this.#count(event.engine, -1);
        if (event.outcome === "done") this.#done++;
        else this.#failed++;
        const mark = event.outcome === "done" ? style.green("done") : style.red(event.outcome);
        const why = event.error ? ` ${style.dim(sanitize(event.error))}` : "";
        this.#line(`${sanitize(event.id)}: ${mark}${why}`);
        break;
      }
      case "engine_removed":
        this.#line(
          style.yellow(`Engine ${sanitize(event.engine)} taken out: ${sanitize(event.reason)}`),
        );
        break;
      case "notice":
        this.#line(style.yellow(sanitize(event.message)));
        break;
      case "batch_end":
        // The last line: no bar under it.
        this.#line(
          `${event.done} done, ${event.failed} not done` +
            (event.notRun ? `, ${event.notRun} not run (run it again to run them)` : "") +
            (event.cancelled ? "; cancelled (run it again to go on)" : "") +
            ` in ${(event.durationMs / 1000).toFixed(1)} s.`,
        );
        return;
    }
    this.#bar();
  }

  /** Adds `by` to the tasks running on `engine`. */
  #count(engine: string, by: number): void {
    const name = sanitize(engine);
    this.#running.set(name, Math.max(0, (this.#running.get(name) ?? 0) + by));
  }

  /** Clears the bar, for the end. */
  close(): void {
    if (this.#drawn) this.#io.out("\r\x1b[K");
    this.#drawn = false;
  }

  /** Prints a line above the bar; its untrusted parts are sanitized by the caller. */
  #line(text: string): void {
    this.close();
    this.#io.out(`${text}\n`);
  }

  #bar(): void {
    const ended = this.#done + this.#failed + this.#notRun;
    const running = [...this.#running.values()].reduce((a, b) => a + b, 0);
    const engines = [...this.#running].map(([name, n]) => `${name} ${n}`).join(" · ");
    const bar = `[${progressBar(ended / (this.#total || 1), BAR_WIDTH)}]`;
    const counts = `${ended}/${this.#total} · ${this.#done} done · ${running} running · ` +
      `${this.#failed} failed · ${engines}`;
    // One line that fits, or each redraw would leave a wrapped piece behind.
    const room = Math.max(0, Deno.consoleSize().columns - bar.length - 2);
    this.#io.out(`\r\x1b[K${this.#style.cyan(bar)} ${counts.slice(0, room)}`);
    this.#drawn = true;
  }
}
