/**
 * One running step of an agent: a promise of its result that is also an async
 * iterable of the events it produces.
 *
 * @module
 */

import type { AgentEvent, ToolRun } from "./events.ts";
import type { Usage } from "./model.ts";

/** How a step ended. */
export interface StepResult {
  /** The assistant's final text ("" when it sent none). */
  text: string;
  /** `"done"`: the model answered without tool calls. `"max_steps"`: the step limit stopped it. */
  stopReason: "done" | "max_steps";
  /** Every tool call run during the step, in order. */
  toolRuns: ToolRun[];
  /** Tokens used by the step's model requests (what the server reported). */
  usage: Usage;
  /** Model requests made. */
  requests: number;
}

/**
 * A step in progress: a `Promise` of its {@linkcode StepResult} that is also an async iterable
 * of its {@linkcode AgentEvent}s. Iterating (`for await`) yields every event from the step's
 * first one, whenever the iteration starts, and ends when the step does (after an `error` event
 * if it failed). A caller that only iterates does not have to await it.
 *
 * @example
 * ```ts
 * import { Agent } from "./agent.ts";
 * const ag = new Agent();
 * const run = ag.step("Print the Python version");
 * for await (const event of run) {
 *   if (event.type === "text") console.log(event.delta);
 * }
 * console.log((await run).text);
 * await ag.runtime.cleanup();
 * ```
 */
export type StepRun = Promise<StepResult> & AsyncIterable<AgentEvent>;

/**
 * Starts a {@linkcode StepRun}: runs `body`, keeping every event it emits for the iterators.
 *
 * @example
 * ```ts
 * import { startStepRun } from "./step_run.ts";
 * const run = startStepRun(async (emit) => {
 *   emit({ type: "notice", message: "working" });
 *   return { text: "", stopReason: "done", toolRuns: [], requests: 0,
 *     usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } };
 * });
 * for await (const event of run) console.log(event.type); // "notice"
 * ```
 */
export function startStepRun(
  body: (emit: (event: AgentEvent) => void) => Promise<StepResult>,
): StepRun {
  const log = new _EventLog();
  const result = body((event) => log.push(event)).finally(() => log.end());
  return Object.assign(result, {
    [Symbol.asyncIterator]: () => {
      // Iterating is a way to watch the step: a failure then needs no other handler.
      result.catch(() => {});
      return log.read();
    },
  });
}

/** The events of one step, kept for readers that may start late. */
class _EventLog {
  readonly #events: AgentEvent[] = [];
  #ended = false;
  #wake: (() => void)[] = [];

  push(event: AgentEvent): void {
    this.#events.push(event);
    this.#notify();
  }

  end(): void {
    this.#ended = true;
    this.#notify();
  }

  async *read(): AsyncGenerator<AgentEvent> {
    for (let next = 0;; next++) {
      while (next >= this.#events.length && !this.#ended) {
        await new Promise<void>((resolve) => this.#wake.push(resolve));
      }
      if (next >= this.#events.length) return;
      yield this.#events[next];
    }
  }

  #notify(): void {
    const waiting = this.#wake;
    this.#wake = [];
    for (const resolve of waiting) resolve();
  }
}
