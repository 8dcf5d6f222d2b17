/**
 * What a batch reports as it goes: the terminal's progress bar and `--json` render the same
 * events.
 *
 * @module
 */

import type { TaskResult } from "./results_file.ts";

/** One event of a batch. */
export type BatchEvent =
  /** The batch starts: the tasks to run (those already in the results file are skipped). */
  | {
    type: "batch_start";
    tasks: number;
    skipped: number;
    parallel: number;
    engines: string[];
    results: string;
  }
  /** A task starts on an engine (`attempt` 2: its retry after its engine stopped answering). */
  | { type: "task_start"; id: string; engine: string; attempt: number }
  /** A task ended; its line was written to the results file. */
  | ({ type: "task_end" } & TaskResult)
  /**
   * A task's first attempt failed with its engine (the connection broke): it is retried, or
   * not run when no engine is left (a failed retry is a `task_end`).
   */
  | { type: "attempt_lost"; id: string; engine: string; error: string }
  /** A task did not run, as no engine was left for it; it is not written, so a rerun runs it. */
  | { type: "task_not_run"; id: string; error: string }
  /** An engine stopped answering and was taken out of the pool. */
  | { type: "engine_removed"; engine: string; reason: string }
  /** Something the user should know (an engine left out at the start, a container not removed). */
  | { type: "notice"; message: string }
  /**
   * The batch ended: what ended how, what did not run for want of an engine; `cancelled` after
   * Ctrl-C (the rest resumes next time).
   */
  | {
    type: "batch_end";
    done: number;
    failed: number;
    notRun: number;
    skipped: number;
    cancelled: boolean;
    durationMs: number;
  };
