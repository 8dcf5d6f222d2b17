/**
 * SIGINT, SIGTERM and SIGHUP as events: while listeners are installed, none
 * ends the process by itself, so the session can cancel a step or remove its
 * container first.
 *
 * @module
 */

/** The signals a session handles: Ctrl-C, a polite kill, and the terminal going away. */
export type SessionSignal = "SIGINT" | "SIGTERM" | "SIGHUP";

const NUMBERS: Record<SessionSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/**
 * The exit code a process ended by `signal` conventionally has (128 + its number).
 *
 * @example
 * ```ts
 * import { signalExitCode } from "./signals.ts";
 * console.log(signalExitCode("SIGTERM")); // 143
 * ```
 */
export function signalExitCode(signal: SessionSignal): number {
  return 128 + NUMBERS[signal];
}

/**
 * Calls `handler` on SIGINT, SIGTERM and SIGHUP (only SIGINT on Windows, which
 * has neither of the others) until the returned function is called.
 *
 * @example
 * ```ts
 * import { onSignals } from "./signals.ts";
 * const remove = onSignals((signal) => console.log(`got ${signal}`));
 * remove();
 * ```
 */
export function onSignals(handler: (signal: SessionSignal) => void): () => void {
  const signals: SessionSignal[] = Deno.build.os === "windows"
    ? ["SIGINT"]
    : ["SIGINT", "SIGTERM", "SIGHUP"];
  const listeners = signals.map((signal) => {
    const listener = () => handler(signal);
    Deno.addSignalListener(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) Deno.removeSignalListener(signal, listener);
  };
}
