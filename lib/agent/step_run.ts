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
 * A step in progress. `await` it for its {@linkcode StepResult}; iterate it
 * (`for await`) for its {@linkcode AgentEvent}s, from the first one on, whenever
 * the iteration starts. The iteration ends when the step does (after an `error`
 * event if it failed); awaiting then rejects with the error.
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
export class StepRun implements PromiseLike<StepResult>, AsyncIterable<AgentEvent> {
  readonly #result: Promise<StepResult>;
  readonly #events: AgentEvent[] = [];
  #ended = false;
  #wake: (() => void)[] = [];

  /**
   * @param body Runs the step, reporting each event through `emit`.
   */
  constructor(body: (emit: (event: AgentEvent) => void) => Promise<StepResult>) {
    this.#result = body((event) => this.#push(event)).finally(() => {
      this.#ended = true;
      this.#notify();
    });
    // A caller that only iterates must not get an unhandled rejection.
    this.#result.catch(() => {});
  }

  /** Resolves to the step's result; rejects when the step failed or was cancelled. */
  then<A = StepResult, B = never>(
    onFulfilled?: ((value: StepResult) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#result.then(onFulfilled, onRejected);
  }

  /** Same as `Promise.prototype.catch`. */
  catch<B = never>(
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<StepResult | B> {
    return this.#result.catch(onRejected);
  }

  /** The step's events, from its first one; ends when the step ends. */
  async *[Symbol.asyncIterator](): AsyncIterator<AgentEvent> {
    for (let next = 0;; next++) {
      while (next >= this.#events.length && !this.#ended) {
        await new Promise<void>((resolve) => this.#wake.push(resolve));
      }
      if (next >= this.#events.length) return;
      yield this.#events[next];
    }
  }

  #push(event: AgentEvent): void {
    this.#events.push(event);
    this.#notify();
  }

  #notify(): void {
    const waiting = this.#wake;
    this.#wake = [];
    for (const resolve of waiting) resolve();
  }
}
