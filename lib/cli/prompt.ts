/**
 * The interactive prompt: line editing and history from `node:readline`,
 * Ctrl-D and a double Ctrl-C to leave, and, while a step runs, the terminal in
 * its normal mode so Ctrl-C reaches the process as SIGINT.
 *
 * @module
 */

import process from "node:process";
import { createInterface, type Interface } from "node:readline";

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
 */
export class Prompt {
  readonly #rl: Interface;
  readonly #options: PromptOptions;
  readonly #lines: string[] = [];
  #closed = false;
  #interrupted = false;
  #waiting: ((line: string | undefined) => void) | undefined;

  /** Takes over stdin and stdout; call {@linkcode Prompt.close} to give them back. */
  constructor(options: PromptOptions) {
    this.#options = options;
    this.#rl = createInterface({
      input: process.stdin,
      output: process.stdout,
      terminal: true,
      historySize: 1000,
      removeHistoryDuplicates: true,
    });
    this.#rl.setPrompt(options.prompt);
    this.#rl.on("line", (line) => {
      this.#interrupted = false;
      this.#deliver(line);
    });
    this.#rl.on("close", () => {
      // Ctrl-D: end the prompt's line, so what follows starts a line of its own.
      if (!this.#closed) process.stdout.write("\n");
      this.#closed = true;
      this.#deliver(undefined);
    });
    this.#rl.on("SIGINT", () => this.#interrupt());
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
    });
  }

  /** Restores the terminal and releases stdin. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rl.close();
  }

  #deliver(line: string | undefined): void {
    if (this.#waiting) this.#waiting(line);
    else if (line !== undefined) this.#lines.push(line);
  }

  #suspend(): void {
    if (this.#closed) return;
    this.#rl.pause();
    process.stdin.setRawMode(false);
  }

  #interrupt(): void {
    if (this.#rl.line !== "") {
      // Ctrl-C with text typed: drop the text, as a shell does.
      this.#interrupted = false;
      this.#rl.write(null, { ctrl: true, name: "e" });
      this.#rl.write(null, { ctrl: true, name: "u" });
      return;
    }
    if (this.#interrupted) {
      process.stdout.write("\n");
      this.#deliver(undefined);
      return;
    }
    this.#interrupted = true;
    process.stdout.write("\n");
    this.#options.hint("(Press Ctrl-C again to exit, or type /exit.)");
    this.#rl.prompt();
  }
}
