/**
 * Runs a batch in this process against the real engine and the scripted model server
 * ({@linkcode batchScript}), in a folder of its own, and keeps what it reported.
 *
 * @module
 */

import {
  type BatchEvent,
  type BatchSummary,
  type BatchTask,
  type PoolEngine,
  readTasksFile,
  ResultsFile,
  runBatch,
} from "../../lib/batch/mod.ts";
import type { RuntimeOptions } from "../../lib/runtime/mod.ts";
import { OpenAIServer, type RecordedRequest } from "../support/openai_server.ts";
import { TEST_IMAGE } from "../support/docker.ts";
import { batchScript } from "./_script.ts";

/** The real engine, as a pool engine. */
export const REAL_ENGINE: PoolEngine = {
  name: "unix:///var/run/docker.sock",
  endpoint: { transport: "unix", path: "/var/run/docker.sock" },
};

/** What a batch run reported, and where. */
export interface BatchRun {
  summary: BatchSummary;
  /** Every event, with the time (performance.now()) it came. */
  events: { at: number; event: BatchEvent }[];
  /** The results file. */
  results: string;
  /** The diffs folder. */
  diffs: string;
}

/** Options of {@linkcode runTestBatch}. */
export interface TestBatchOptions {
  /** The folder the results go in (and relative task paths start from). */
  dir: string;
  engines?: PoolEngine[];
  parallel?: number;
  signal?: AbortSignal;
  /** Sees each event as it comes. */
  onEvent?: (event: BatchEvent) => void;
  /** Added to the tasks' runtime options (copy mode, its limit). */
  runtimeOptions?: RuntimeOptions;
  /** Sees each model request as it comes, before the script answers it. */
  onRequest?: (request: RecordedRequest) => void;
}

/** The tasks of `lines` (objects of a tasks file written in `dir`), as the file gives them. */
export async function tasksOf(lines: object[], dir: string): Promise<BatchTask[]> {
  const file = `${dir}/tasks.jsonl`;
  await Deno.writeTextFile(file, lines.map((line) => JSON.stringify(line)).join("\n") + "\n");
  return await readTasksFile(file);
}

/** Runs `tasks` with a fresh scripted server. */
export async function runTestBatch(
  tasks: BatchTask[],
  options: TestBatchOptions,
): Promise<BatchRun> {
  await using server = await OpenAIServer.start((request) => {
    options.onRequest?.(request);
    return batchScript(request);
  });
  const results = `${options.dir}/results.jsonl`;
  const diffs = `${options.dir}/results.diffs`;
  const events: BatchRun["events"] = [];
  const summary = await runBatch({
    tasks,
    engines: options.engines ?? [REAL_ENGINE],
    parallel: options.parallel,
    results: await ResultsFile.open(results),
    diffsDir: diffs,
    agentOptions: {
      baseURL: server.baseURL,
      apiKey: "test-key",
      modelName: "test-model",
      runtimeOptions: { image: TEST_IMAGE, ...options.runtimeOptions },
    },
    signal: options.signal,
    onEvent: (event) => {
      events.push({ at: performance.now(), event });
      options.onEvent?.(event);
    },
  });
  return { summary, events, results, diffs };
}

/** The events of one type, typed. */
export function eventsOf<T extends BatchEvent["type"]>(
  run: BatchRun,
  type: T,
): (Extract<BatchEvent, { type: T }> & { at: number })[] {
  return run.events.filter(({ event }) => event.type === type).map(({ at, event }) => ({
    ...(event as Extract<BatchEvent, { type: T }>),
    at,
  }));
}
