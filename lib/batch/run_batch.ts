/**
 * The scheduler: runs a batch's tasks N at a time over the pool, each on the engine running
 * the fewest; a task whose engine failed is retried once (on another engine when there is one),
 * and the engine is taken out when it does not answer a ping either; every result is appended
 * to the results file as its task ends. Tasks no engine is left for are not written: a rerun
 * runs them.
 *
 * @module
 */

import type { AgentOptions } from "../agent/mod.ts";
import { DockerClient } from "../docker/mod.ts";
import { ResultsFileError } from "./errors.ts";
import type { PoolEngine } from "./engines.ts";
import { EnginePool } from "./engine_pool.ts";
import type { BatchEvent } from "./events.ts";
import type { ResultsFile, TaskResult } from "./results_file.ts";
import { type Attempt, runTask } from "./run_task.ts";
import type { BatchTask } from "./tasks_file.ts";

/** Tasks run at a time per engine when `parallel` is not given. */
export const DEFAULT_PARALLEL_PER_ENGINE = 2;

/** How long an engine that failed a task has to answer a ping before it is taken out. */
export const ENGINE_PING_TIMEOUT_MS = 5_000;

/** Options of {@linkcode runBatch}. */
export interface BatchOptions {
  /** The tasks, as {@linkcode readTasksFile} checked them. */
  tasks: readonly BatchTask[];
  /** The pool, as {@linkcode findEngines} found it. */
  engines: readonly PoolEngine[];
  /** Tasks at a time over the whole pool. Default: 2 per engine still in the pool. */
  parallel?: number;
  /** Where results go; the tasks it holds already are skipped. */
  results: ResultsFile;
  /** Where each task's diff file goes. */
  diffsDir: string;
  /** The agent's options every task starts from (see {@linkcode TaskContext.agentOptions}). */
  agentOptions: AgentOptions;
  /** The sessions folder each task's conversation is kept in; undefined: none is kept. */
  sessionsDir?: string;
  /**
   * Aborted: no task starts any more, the running ones are cancelled (their containers removed)
   * and nothing more is written.
   */
  signal?: AbortSignal;
  /** Receives every event. */
  onEvent?: (event: BatchEvent) => void;
}

/** How a batch ended. */
export interface BatchSummary {
  /** The results written by this run, in the order the tasks ended. */
  results: TaskResult[];
  /** Tasks skipped, their ids being in the results file already. */
  skipped: number;
  /** Tasks not run (nor written) as no engine was left for them: a rerun runs them. */
  notRun: NotRun[];
  /** True when it was cancelled before every task ended. */
  cancelled: boolean;
}

/** A task that did not run as no engine was left for it. */
export interface NotRun {
  /** The task's id. */
  id: string;
  /** Why no engine was left. */
  error: string;
}

/** A task waiting to run, and the engines it must not run on (the one that failed it). */
interface Pending {
  task: BatchTask;
  attempt: number;
  avoid: Set<string>;
}

/**
 * Runs the tasks not yet in the results file and resolves once every one ended (or, cancelled,
 * once every running one stopped and its container was removed).
 *
 * @throws {ResultsFileError} When a result cannot be written: the running tasks are cancelled
 * (their containers removed) first.
 *
 * @example
 * ```ts ignore
 * import { findEngines, readTasksFile, ResultsFile, runBatch } from "./mod.ts";
 * const summary = await runBatch({
 *   tasks: await readTasksFile("tasks.jsonl"),
 *   engines: await findEngines([], (name) => Deno.env.get(name), console.warn),
 *   results: await ResultsFile.open("tasks.results.jsonl"),
 *   diffsDir: "tasks.results.diffs",
 *   agentOptions: { modelName: "gpt-4o-mini" },
 * });
 * console.log(summary.results.filter((result) => result.outcome === "done").length);
 * ```
 */
export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const emit = options.onEvent ?? (() => {});
  // Aborted by the caller, or by a result that could not be written.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let failure: unknown;
  const pool = new EnginePool(options.engines);
  // Without a given number, the engines taken out take their share with them (at least one
  // at a time, so that the tasks no engine is left for are reported).
  const parallelNow = () =>
    options.parallel ?? DEFAULT_PARALLEL_PER_ENGINE * Math.max(1, pool.live.length);
  const parallel = parallelNow();
  const todo = options.tasks.filter((task) => !options.results.has(task.id));
  const skipped = options.tasks.length - todo.length;
  const queue: Pending[] = todo.map((task) => ({ task, attempt: 1, avoid: new Set() }));
  const results: TaskResult[] = [];
  const notRun: NotRun[] = [];
  const context = {
    agentOptions: options.agentOptions,
    diffsDir: options.diffsDir,
    sessionsDir: options.sessionsDir,
    signal,
    notice: (message: string) => emit({ type: "notice", message }),
  };
  emit({
    type: "batch_start",
    tasks: todo.length,
    skipped,
    parallel,
    engines: options.engines.map((engine) => engine.name),
    results: options.results.path,
  });

  const finish = async (result: TaskResult) => {
    await options.results.append(result);
    results.push(result);
    emit({ type: "task_end", ...result });
  };
  const settle = async (pending: Pending, engine: PoolEngine, attempt: Attempt) => {
    pool.ended(engine);
    // Cancelled: whatever it ended as, the task runs again next time.
    if (attempt.kind === "cancelled" || signal.aborted) return;
    if (attempt.kind === "ended") return await finish(attempt.result);
    if (pending.attempt === 1) {
      emit({
        type: "attempt_lost",
        id: pending.task.id,
        engine: engine.name,
        error: attempt.reason,
      });
    }
    // One failed call (a slow answer on a busy engine) does not make an engine gone.
    if (!await answersPing(engine) && pool.remove(engine, attempt.reason)) {
      emit({ type: "engine_removed", engine: engine.name, reason: attempt.reason });
    }
    if (signal.aborted) return;
    if (pending.attempt > 1) return await finish(attempt.result);
    // Retried first, before tasks that have not run yet.
    queue.unshift({
      task: pending.task,
      attempt: pending.attempt + 1,
      avoid: new Set([...pending.avoid, engine.name]),
    });
  };

  const running = new Set<Promise<void>>();
  const cancel = aborted(signal);
  while (!signal.aborted && (queue.length > 0 || running.size > 0)) {
    while (!signal.aborted && running.size < parallelNow() && queue.length > 0) {
      const pending = queue.shift()!;
      // Another engine than the one that failed it, or that one again when it is the last.
      const engine = pool.pick(pending.avoid) ?? pool.pick();
      if (!engine) {
        const error = noEngineLeft(pool.states.map((state) => state.removed));
        notRun.push({ id: pending.task.id, error });
        emit({ type: "task_not_run", id: pending.task.id, error });
        continue;
      }
      pool.started(engine);
      emit({
        type: "task_start",
        id: pending.task.id,
        engine: engine.name,
        attempt: pending.attempt,
      });
      const run: Promise<void> = runTask(pending.task, engine, context)
        .then((attempt) => settle(pending, engine, attempt))
        .catch((error) => {
          // The results file cannot be written: stop everything rather than run for nothing.
          failure ??= error;
          stop.abort();
        })
        .finally(() => running.delete(run));
      running.add(run);
    }
    if (running.size === 0) break;
    await Promise.race([...running, cancel]);
  }
  // Cancelled: the running tasks are stopping; each removes its container before it settles.
  await Promise.allSettled([...running]);
  if (failure instanceof ResultsFileError) {
    throw new ResultsFileError(
      `${failure.message}. The batch was stopped (its running tasks cancelled); the tasks ` +
        "not in the file run when it is run again.",
      { cause: failure },
    );
  }
  if (failure !== undefined) throw failure;
  const cancelled = signal.aborted && results.length < todo.length;
  emit({
    type: "batch_end",
    done: results.filter((result) => result.outcome === "done").length,
    failed: results.filter((result) => result.outcome !== "done").length,
    notRun: notRun.length,
    skipped,
    cancelled,
    durationMs: Math.round(performance.now() - started),
  });
  return { results, skipped, notRun, cancelled };
}

/** Why a task did not run: the last reason an engine was taken out. */
function noEngineLeft(reasons: (string | undefined)[]): string {
  const why = reasons.filter((reason) => reason !== undefined).at(-1);
  return `No engine is left to run it${why ? `: ${why}` : "."}`;
}

/** True when `engine` answers `GET /_ping` within {@linkcode ENGINE_PING_TIMEOUT_MS}. */
async function answersPing(engine: PoolEngine): Promise<boolean> {
  let client: DockerClient | undefined;
  try {
    client = await DockerClient.connect({
      endpoint: engine.endpoint,
      timeoutMs: ENGINE_PING_TIMEOUT_MS,
      requestTimeoutMs: ENGINE_PING_TIMEOUT_MS,
    });
    return await client.ping();
  } catch {
    // Whatever the failure, it did not answer.
    return false;
  } finally {
    client?.close();
  }
}

/** Resolves when `signal` is aborted. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
