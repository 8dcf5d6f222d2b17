/**
 * The pool's bookkeeping: how many tasks each engine runs, which engine takes the next task
 * (the one running fewest), and which engines were taken out.
 *
 * @module
 */

import type { PoolEngine } from "./engines.ts";

/** What the pool knows of one engine. */
export interface EngineState {
  /** The engine. */
  engine: PoolEngine;
  /** Tasks running on it now. */
  running: number;
  /** Why it was taken out of the pool; undefined while it is in. */
  removed: string | undefined;
}

/**
 * Engines and the tasks running on each.
 *
 * @example
 * ```ts
 * import { EnginePool } from "./engine_pool.ts";
 * const pool = new EnginePool([
 *   { name: "unix:///a.sock", endpoint: { transport: "unix", path: "/a.sock" } },
 *   { name: "unix:///b.sock", endpoint: { transport: "unix", path: "/b.sock" } },
 * ]);
 * const first = pool.pick()!;
 * pool.started(first);
 * console.log(pool.pick()!.name); // "unix:///b.sock"
 * ```
 */
export class EnginePool {
  /** Every engine, in the order given, with its count and state. */
  readonly states: readonly EngineState[];

  /** A pool of `engines`, none running anything. */
  constructor(engines: readonly PoolEngine[]) {
    this.states = engines.map((engine) => ({ engine, running: 0, removed: undefined }));
  }

  /** The engines still in the pool. */
  get live(): PoolEngine[] {
    return this.states.filter((state) => state.removed === undefined).map((state) => state.engine);
  }

  /**
   * The engine in the pool running the fewest tasks (the first given, on a tie), other than
   * those in `avoid`; undefined when none is left.
   */
  pick(avoid: ReadonlySet<string> = new Set()): PoolEngine | undefined {
    let best: EngineState | undefined;
    for (const state of this.states) {
      if (state.removed !== undefined || avoid.has(state.engine.name)) continue;
      if (!best || state.running < best.running) best = state;
    }
    return best?.engine;
  }

  /** A task started on `engine`. */
  started(engine: PoolEngine): void {
    this.#state(engine).running++;
  }

  /** A task on `engine` ended. */
  ended(engine: PoolEngine): void {
    this.#state(engine).running--;
  }

  /** Takes `engine` out of the pool; true when it was in it until now. */
  remove(engine: PoolEngine, why: string): boolean {
    const state = this.#state(engine);
    if (state.removed !== undefined) return false;
    state.removed = why;
    return true;
  }

  #state(engine: PoolEngine): EngineState {
    return this.states.find((state) => state.engine.name === engine.name)!;
  }
}
