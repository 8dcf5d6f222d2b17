/**
 * A spinner on one terminal row while something is awaited (the model's
 * reply), with the seconds spent so far. Silent when not on a terminal.
 *
 * @module
 */

import type { Style } from "./style.ts";

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/** Options of {@linkcode Spinner}. */
export interface SpinnerOptions {
  /** Writes to the terminal. */
  write: (text: string) => void;
  /** Colours. */
  style: Style;
  /** False (not a terminal): the spinner draws nothing. */
  enabled: boolean;
  /** Time between frames. Default 80 ms. */
  intervalMs?: number;
}

/**
 * One spinning row that erases itself when stopped.
 *
 * @example
 * ```ts
 * import { Spinner } from "./spinner.ts";
 * import { createStyle } from "./style.ts";
 * const spinner = new Spinner({ write: () => {}, style: createStyle(false), enabled: false });
 * spinner.start("Thinking");
 * spinner.stop();
 * ```
 */
export class Spinner {
  readonly #options: SpinnerOptions;
  #timer: ReturnType<typeof setInterval> | undefined;
  #frame = 0;
  #label = "";
  #since = 0;

  /**
   * Creates a `Spinner`.
   * @param options See {@linkcode SpinnerOptions}.
   */
  constructor(options: SpinnerOptions) {
    this.#options = options;
  }

  /** True while the spinner is drawn. */
  get active(): boolean {
    return this.#timer !== undefined;
  }

  /** Starts spinning with `label` (or changes the label of a running spinner). */
  start(label: string): void {
    this.#label = label;
    if (!this.#options.enabled || this.#timer !== undefined) return;
    this.#since = Date.now();
    this.#frame = 0;
    this.#draw();
    const timer = setInterval(() => this.#draw(), this.#options.intervalMs ?? 80);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Erases the spinner's row; a no-op when it is not spinning. */
  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#options.write("\r\x1b[2K");
  }

  #draw(): void {
    const { style, write } = this.#options;
    const frame = FRAMES[this.#frame++ % FRAMES.length];
    const seconds = ((Date.now() - this.#since) / 1000).toFixed(0);
    write(`\r\x1b[2K${style.cyan(frame)} ${style.dim(`${this.#label} ${seconds}s`)}`);
  }
}
