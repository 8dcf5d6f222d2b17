/**
 * The interactive prompt: line editing and history from `node:readline`,
 * Ctrl-D and a double Ctrl-C to leave, a question asked while a step runs
 * (an approval), and, while a step runs, the terminal in its normal mode so
 * Ctrl-C reaches the process as SIGINT.
 *
 * @module
 */

import process from "node:process";
import { createInterface, type Interface } from "node:readline";
import { Writable } from "node:stream";

/**
 * How long a question waits, before it is shown, for what was typed ahead to arrive: the
 * terminal hands it over at once (a few milliseconds); a person cannot read a question and
 * answer it this fast.
 */
const TYPE_AHEAD_MS = 100;

/** Options of {@linkcode Prompt}. */
export interface PromptOptions {
  /** The prompt string (may hold colour codes). */
  prompt: string;
  /** Writes a line of guidance (the "press Ctrl-C again" hint). */
  hint: (text: string) => void;
}

/**
 * Reads lines typed at a terminal.
 *
 * Between {@linkcode Prompt.read} calls (while a step runs) the terminal is in
 * its normal mode: Ctrl-C is a SIGINT for the session to handle, and what the
 * user types ahead is kept for the next prompt, as in a shell.
 *
 * {@linkcode Prompt.ask} asks a question while a step runs. Its answer is read
 * fresh: what was typed ahead before the question appeared (whole lines, and a
 * line begun) is never taken as the answer; it stays for the next prompt, where
 * it was meant to go. Answers are not added to the prompt's history, and the
 * question has no history of its own.
 *
 * @example
 * ```ts ignore
 * const prompt = new Prompt({ prompt: "pygent› ", hint: console.log });
 * const line = await prompt.read(); // the next message
 * const answer = await prompt.ask("Run it? [y]es / [n]o "); // while the step runs
 * prompt.close();
 * ```
 */
export class Prompt {
  #rl: Interface;
  readonly #options: PromptOptions;
  readonly #lines: string[] = [];
  /** The prompt's history, newest first; readline edits it in place. */
  readonly #history: string[] = [];
  /** Where readline writes: stdout, or nothing while typed-ahead text is taken in. */
  readonly #output: Writable;
  #muted = false;
  /** A line begun (no Enter yet) before a question appeared, given back at the next prompt. */
  #begun = "";
  #closed = false;
  #interrupted = false;
  /** True while a question is open: Ctrl-C and Ctrl-D answer it with undefined. */
  #asking = false;
  /** True while a question takes in what was typed ahead: lines go to the queue. */
  #takingTypeAhead = false;
  #waiting: ((line: string | undefined) => void) | undefined;

  /** Takes over stdin and stdout; call {@linkcode Prompt.close} to give them back. */
  constructor(options: PromptOptions) {
    this.#options = options;
    this.#output = mutableStdout(() => this.#muted);
    this.#rl = this.#open();
    this.#suspend();
  }

  /**
   * Shows the prompt and resolves to the line typed, or undefined when the user
   * leaves (Ctrl-D on an empty line, or Ctrl-C twice at an empty prompt).
   */
  read(): Promise<string | undefined> {
    if (this.#lines.length > 0) return Promise.resolve(this.#lines.shift());
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#waiting = (line) => {
        this.#waiting = undefined;
        this.#suspend();
        resolve(line);
      };
      process.stdin.setRawMode(true);
      this.#rl.resume();
      this.#rl.prompt();
      if (this.#begun !== "") this.#rl.write(this.#begun);
      this.#begun = "";
    });
  }

  /**
   * While a step runs (between {@linkcode Prompt.read} calls), shows `question` (it may hold
   * colour codes) and resolves to the line typed, then gives the terminal back to the step.
   * Resolves to undefined when the user presses Ctrl-C or Ctrl-D at the question, when
   * `signal` aborts, or when the prompt is closed; at once while a read or another question
   * waits (one at a time).
   *
   * What was typed ahead before the question appeared is not the answer: it stays for the
   * next prompt. The question appears {@linkcode TYPE_AHEAD_MS} after the call, once the
   * terminal has handed over what was typed ahead. This holds for every question: a reason
   * typed together with `n`, before its own question shows, goes to the next prompt too. The
   * answer is not added to the history.
   *
   * @example
   * ```ts ignore
   * const answer = await prompt.ask("Run it? [y]es / [n]o ", signal);
   * if (answer === undefined) supervisor.cancel();
   * ```
   */
  ask(question: string, signal?: AbortSignal): Promise<string | undefined> {
    if (this.#closed || signal?.aborted || this.#waiting) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      let history: string[] | undefined;
      const timer = setTimeout(() => {
        // Whole lines typed ahead are queued by now; a line begun waits for the next prompt.
        this.#takingTypeAhead = false;
        this.#begun += this.#rl.line;
        this.#clearLine();
        this.#muted = false;
        history = this.#history.splice(0);
        this.#rl.setPrompt(question);
        this.#rl.prompt();
      }, TYPE_AHEAD_MS);
      const finish = (line: string | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.#waiting = undefined;
        this.#asking = false;
        this.#takingTypeAhead = false;
        this.#muted = false;
        // The answer leaves no trace in the history; the prompt's own comes back.
        if (history) this.#history.splice(0, this.#history.length, ...history);
        if (!this.#closed) this.#rl.setPrompt(this.#options.prompt);
        this.#suspend();
        resolve(line);
      };
      const onAbort = () => {
        if (!this.#takingTypeAhead) this.#clearLine();
        this.#newLine();
        finish(undefined);
      };
      this.#waiting = finish;
      this.#asking = true;
      this.#takingTypeAhead = true;
      this.#muted = true;
      signal?.addEventListener("abort", onAbort, { once: true });
      process.stdin.setRawMode(true);
      this.#rl.resume();
    });
  }

  /** Restores the terminal and releases stdin. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rl.close();
    this.#deliver(undefined);
  }

  #open(): Interface {
    const rl = createInterface({
      input: process.stdin,
      output: this.#output,
      terminal: true,
      history: this.#history,
      historySize: 1000,
      removeHistoryDuplicates: true,
    });
    rl.setPrompt(this.#options.prompt);
    rl.on("line", (line) => {
      this.#interrupted = false;
      this.#deliver(line);
    });
    rl.on("close", () => this.#onClose());
    rl.on("SIGINT", () => this.#interrupt());
    return rl;
  }

  /** Readline closed: Ctrl-D on an empty line, or {@linkcode Prompt.close}. */
  #onClose(): void {
    if (this.#closed) return;
    // Ctrl-D: end the prompt's line, so what follows starts a line of its own.
    this.#newLine();
    if (this.#asking) {
      // Ctrl-D at a question answers it, and the session goes on: a new readline takes over.
      this.#rl = this.#open();
      this.#deliver(undefined);
      return;
    }
    this.#closed = true;
    this.#deliver(undefined);
  }

  #deliver(line: string | undefined): void {
    if (line !== undefined && this.#takingTypeAhead) this.#lines.push(line);
    else if (this.#waiting) this.#waiting(line);
    else if (line !== undefined) this.#lines.push(line);
  }

  #suspend(): void {
    if (this.#closed) return;
    this.#rl.pause();
    process.stdin.setRawMode(false);
  }

  /** Empties the line being edited (Ctrl-E, Ctrl-U). */
  #clearLine(): void {
    this.#rl.write(null, { ctrl: true, name: "e" });
    this.#rl.write(null, { ctrl: true, name: "u" });
  }

  #newLine(): void {
    process.stdout.write("\n");
  }

  #interrupt(): void {
    if (this.#asking) {
      // Ctrl-C at a question: no answer, whatever was typed.
      if (!this.#takingTypeAhead) this.#clearLine();
      this.#newLine();
      this.#deliver(undefined);
      return;
    }
    if (this.#rl.line !== "") {
      // Ctrl-C with text typed: drop the text, as a shell does.
      this.#interrupted = false;
      this.#clearLine();
      return;
    }
    if (this.#interrupted) {
      this.#newLine();
      this.#deliver(undefined);
      return;
    }
    this.#interrupted = true;
    this.#newLine();
    this.#options.hint("(Press Ctrl-C again to exit, or type /exit.)");
    this.#rl.prompt();
  }
}

/**
 * Stdout for readline, silent while `muted()` is true (what was typed ahead of a question is
 * taken in without being echoed a second time: the terminal echoed it when it was typed).
 */
function mutableStdout(muted: () => boolean): Writable {
  const output = new Writable({
    decodeStrings: false,
    write(chunk, _encoding, done) {
      if (!muted()) process.stdout.write(chunk);
      done();
    },
  });
  Object.defineProperty(output, "columns", { get: () => process.stdout.columns });
  process.stdout.on("resize", () => output.emit("resize"));
  return output;
}
