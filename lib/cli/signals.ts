/**
 * SIGINT and SIGTERM as events: while listeners are installed, neither ends
 * the process by itself, so the session can cancel a step or remove its
 * container first.
 *
 * @module
 */

/** The signals a session handles. */
export type SessionSignal = "SIGINT" | "SIGTERM";

/** The exit code a process ended by `signal` conventionally has (128 + its number). */
export function signalExitCode(signal: SessionSignal): number {
  return signal === "SIGINT" ? 130 : 143;
}

/**
 * Calls `handler` on SIGINT and SIGTERM (only SIGINT on Windows, which has no
 * SIGTERM) until the returned function is called.
 *
 * @example
 * ```ts
 * import { onSignals } from "./signals.ts";
 * const remove = onSignals((signal) => console.log(`got ${signal}`));
 * remove();
 * ```
 */
export function onSignals(handler: (signal: SessionSignal) => void): () => void {
  const signals: SessionSignal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const listeners = signals.map((signal) => {
    const listener = () => handler(signal);
    Deno.addSignalListener(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  };
}
