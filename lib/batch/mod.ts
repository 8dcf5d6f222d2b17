/**
 * `pygent batch` as a library: read a tasks file, find the pool's engines, run the tasks over
 * them N at a time (each in its own sandbox, on its own copy of its files), and append each
 * result to a results file that resumes.
 *
 * @example
 * ```ts ignore
 * import { findEngines, readTasksFile, ResultsFile, runBatch } from "./mod.ts";
 * const getEnv = (name: string) => Deno.env.get(name);
 * const summary = await runBatch({
 *   tasks: await readTasksFile("tasks.jsonl"),
 *   engines: await findEngines([], getEnv, console.warn),
 *   results: await ResultsFile.open("tasks.results.jsonl"),
 *   diffsDir: "tasks.results.diffs",
 *   agentOptions: { modelName: "gpt-4o-mini" },
 * });
 * ```
 *
 * @module
 */

export * from "./engine_pool.ts";
export * from "./engines.ts";
export * from "./errors.ts";
export type * from "./events.ts";
export * from "./results_file.ts";
export * from "./run_batch.ts";
export * from "./run_task.ts";
export * from "./task_workspace.ts";
export * from "./tasks_file.ts";
