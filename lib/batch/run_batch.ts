/**
 * The scheduler: runs a batch's tasks N at a time over the pool, each on the engine running
 * the fewest; an engine that stops answering is taken out and its tasks are retried once on
 * another; every result is appended to the results file as its task ends.
 *
 * @module
 */

import type { AgentOptions } from "../agent/mod.ts";
import type { PoolEngine } from "./engines.ts";
import { EnginePool } from "./engine_pool.ts";
import type { BatchEvent } from "./events.ts";
import type { ResultsFile, TaskResult } from "./results_file.ts";
import { type Attempt, runTask } from "./run_task.ts";
import type { BatchTask } from "./tasks_file.ts";

/** Tasks run at a time per engine when `parallel` is not given. */
export const DEFAULT_PARALLEL_PER_ENGINE = 2;

/** Options of {@linkcode runBatch}. */
export interface BatchOptions {
  /** The tasks, as {@linkcode readTasksFile} checked them. */
  tasks: readonly BatchTask[];
  /** The pool, as {@linkcode findEngines} found it. */
  engines: readonly PoolEngine[];
  /** Tasks at a time over the whole pool. Default: 2 per engine. */
  parallel?: number;
  /** Where results go; the tasks it holds already are skipped. */
  results: ResultsFile;
  /** Where each task's diff file goes. */
  diffsDir: string;
  /** The agent's options every task starts from (see {@linkcode TaskContext.agentOptions}). */
  agentOptions: AgentOptions;
  /** The sessions folder each task's conversation is kept in; undefined: none is kept. */
  sessionsDir?: string;
  /** Aborted: no task starts any more, the running ones are cancelled (their containers removed). */
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
  /** True when it was cancelled before every task ended. */
  cancelled: boolean;
}

/** A task waiting to run, and the engines it must not run on (the one that failed it). */
interface Pending {
  task: BatchTask;
  attempt: number;
  avoid: Set<string>;
  /** Why its last engine was lost, for when no other is left. */
  lost?: TaskResult;
}

/**
 * Runs the tasks not yet in the results file and resolves once every one ended (or, cancelled,
 * once every running one stopped and its container was removed).
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
  const signal = options.signal ?? new AbortController().signal;
  const pool = new EnginePool(options.engines);
  const parallel = options.parallel ?? DEFAULT_PARALLEL_PER_ENGINE * options.engines.length;
  const todo = options.tasks.filter((task) => !options.results.has(task.id));
  const skipped = options.tasks.length - todo.length;
  const queue: Pending[] = todo.map((task) => ({ task, attempt: 1, avoid: new Set() }));
  const results: TaskResult[] = [];
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
    if (attempt.kind === "cancelled") return;
    if (attempt.kind === "ended") return await finish(attempt.result);
    if (pool.remove(engine, attempt.reason)) {
      emit({ type: "engine_removed", engine: engine.name, reason: attempt.reason });
    }
    if (pending.attempt > 1 || signal.aborted) return await finish(attempt.result);
    // Retried first, before tasks that have not run yet.
    queue.unshift({
      task: pending.task,
      attempt: pending.attempt + 1,
      avoid: new Set([...pending.avoid, engine.name]),
      lost: attempt.result,
    });
  };

  const running = new Set<Promise<void>>();
  const cancel = aborted(signal);
  while (!signal.aborted && (queue.length > 0 || running.size > 0)) {
    while (!signal.aborted && running.size < parallel && queue.length > 0) {
      const pending = queue.shift()!;
      const engine = pool.pick(pending.avoid);
      if (!engine) {
        await finish(noEngineLeft(pending, pool.states.map((state) => state.removed)));
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
        .finally(() => running.delete(run));
      running.add(run);
    }
    if (running.size === 0) break;
    await Promise.race([...running, cancel]);
  }
  // Cancelled: the running tasks are stopping; each removes its container before it settles.
  await Promise.allSettled([...running]);
  const cancelled = signal.aborted && results.length < todo.length;
  emit({
    type: "batch_end",
    done: results.filter((result) => result.outcome === "done").length,
    failed: results.filter((result) => result.outcome !== "done").length,
    skipped,
    cancelled,
    durationMs: Math.round(performance.now() - started),
  });
  return { results, skipped, cancelled };
}

/** The result of a task no engine is left for. */
function noEngineLeft(pending: Pending, reasons: (string | undefined)[]): TaskResult {
  const why = reasons.filter((reason) => reason !== undefined).at(-1);
  const error = `No engine is left to run it${why ? `: ${why}` : "."}`;
  return pending.lost ? { ...pending.lost, error } : {
    id: pending.task.id,
    outcome: "failed",
    engine: null,
    steps: 0,
    durationMs: 0,
    usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
    error,
    // No session ran.
    session: "",
  };
}

/** Resolves when `signal` is aborted. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
