/**
 * Keeping a session's promise to leave nothing behind: inputs run one at a
 * time under an abort signal, Ctrl-C at a terminal cancels the running one, and
 * SIGINT, SIGTERM or SIGHUP otherwise cancel it, remove the sandbox and end the
 * process.
 *
 * @module
 */

import type { SessionInput } from "./commands.ts";
import type { Prompt } from "./prompt.ts";
import type { InputOutcome, Session } from "./session.ts";
import { onSignals, type SessionSignal, signalExitCode } from "./signals.ts";

/** How long a cancelled input may take to stop when a signal ends the session. */
const CANCEL_DEADLINE_MS = 3_000;
/** How long removing the sandbox may take when a signal ends the session. */
const CLEANUP_DEADLINE_MS = 15_000;

/** Options of {@linkcode Supervisor}. */
export interface SupervisorOptions {
  /** At a terminal, Ctrl-C (SIGINT) cancels the running input and the session goes on. */
  interactive: boolean;
  /** Told when removing the sandbox fails. */
  onError: (error: Error) => void;
  /** Called once the sandbox has been removed (or removing it failed), however the session ended. */
  onCleaned?: () => void;
}

/**
 * Runs a session's inputs and ends the session cleanly, whichever way it ends.
 *
 * @example
 * ```ts ignore
 * const supervisor = new Supervisor(session, { interactive: false, onError: console.error });
 * try {
 *   await supervisor.run({ kind: "message", text: "hello" });
 * } finally {
 *   await supervisor.close();
 * }
 * ```
 */
export class Supervisor {
  readonly #session: Session;
  readonly #options: SupervisorOptions;
  readonly #removeSignals: () => void;
  #step: AbortController | undefined;
  #running: Promise<InputOutcome> | undefined;
  #prompt: Prompt | undefined;
  #cleaning: Promise<void> | undefined;
  #ending: Promise<never> | undefined;

  /** Installs the signal listeners; {@linkcode Supervisor.close} removes them. */
  constructor(session: Session, options: SupervisorOptions) {
    this.#session = session;
    this.#options = options;
    this.#removeSignals = onSignals((signal) => this.#onSignal(signal));
  }

  /** True once a signal is ending the session. */
  get ending(): boolean {
    return this.#ending !== undefined;
  }

  /** Gives the supervisor the prompt to close when a signal ends the session. */
  watch(prompt: Prompt): void {
    this.#prompt = prompt;
  }

  /** Runs one input under a fresh abort signal. */
  async run(input: SessionInput): Promise<InputOutcome> {
    this.#step = new AbortController();
    this.#running = this.#session.run(input, this.#step.signal);
    try {
      return await this.#running;
    } finally {
      this.#step = undefined;
      this.#running = undefined;
    }
  }

  /**
   * Cancels the running input, as Ctrl-C does while a command runs: for a Ctrl-C that the
   * terminal gave to a question (an approval) instead of sending SIGINT. Does nothing when no
   * input runs.
   *
   * @example
   * ```ts ignore
   * const answer = await prompt.ask("Run it? ");
   * if (answer === undefined) supervisor.cancel();
   * ```
   */
  cancel(): void {
    if (this.#step && !this.#step.signal.aborted) this.#step.abort();
  }

  /**
   * Closes the prompt and removes the sandbox. When a signal is ending the session,
   * this never returns: the process exits with the signal's code once it is clean.
   */
  async close(): Promise<void> {
    this.#prompt?.close();
    await this.#cleanup();
    if (this.#ending) await this.#ending;
    this.#removeSignals();
  }

  /**
   * Ends the session as a signal does, for a reason of the caller's (no one reads stdout any
   * more): cancels the running input, removes the sandbox, and exits the process with `code`.
   */
  end(code: number): void {
    this.#ending ??= this.#endWith(code);
  }

  #onSignal(signal: SessionSignal): void {
    if (
      signal === "SIGINT" && this.#options.interactive && this.#step && !this.#step.signal.aborted
    ) {
      this.cancel();
      return;
    }
    this.end(signalExitCode(signal));
  }

  async #endWith(code: number): Promise<never> {
    this.#step?.abort();
    this.#prompt?.close();
    // Removing the container goes fastest once the cancelled command has been killed.
    await Promise.race([this.#running, delay(CANCEL_DEADLINE_MS)]);
    await Promise.race([this.#cleanup(), delay(CLEANUP_DEADLINE_MS)]);
    Deno.exit(code);
  }

  #cleanup(): Promise<void> {
    this.#cleaning ??= this.#session.runtime.cleanup().catch((error) =>
      this.#options.onError(error instanceof Error ? error : new Error(String(error)))
    ).then(() => this.#options.onCleaned?.());
    return this.#cleaning;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
