/**
 * A reader of stdout that stops reading (`pygent … | head -1`): the command stops as after
 * Ctrl-C, so that no container outlives it, and exits quietly with 141, as a shell reports a
 * process ended by SIGPIPE (Deno ignores SIGPIPE: a write fails with `BrokenPipe` instead).
 *
 * @module
 */

/** The exit code after stdout was closed by its reader: 128 + SIGPIPE, as a shell reports it. */
export const BROKEN_PIPE_EXIT_CODE = 141;

/**
 * `write`, which calls `onBroken` once when its reader has gone away and then writes nothing
 * more: what is left to say has no one to read it, and must not crash what is stopping.
 *
 * @example
 * ```ts
 * import { BROKEN_PIPE_EXIT_CODE, untilPipeBreaks } from "./broken_pipe.ts";
 * const controller = new AbortController();
 * let code = 0;
 * const out = untilPipeBreaks((text) => console.log(text), () => {
 *   code = BROKEN_PIPE_EXIT_CODE;
 *   controller.abort();
 * });
 * out("hello");
 * ```
 */
export function untilPipeBreaks(
  write: (text: string) => void,
  onBroken: () => void,
): (text: string) => void {
  let broken = false;
  return (text) => {
    if (broken) return;
    try {
      write(text);
    } catch (error) {
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
      broken = true;
      onBroken();
    }
  };
}
