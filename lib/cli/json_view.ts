/**
 * `--json`: every event as one JSON line on stdout, nothing else. The agent's
 * events pass through as they are (an `approval` event among them); the session adds `session`, `step_end`,
 * `info` and `error` lines of its own. Every control character, bidi control
 * and zero-width character is escaped, so a line printed to a terminal cannot
 * drive it nor reorder or hide its text; `JSON.parse` still gives back every
 * string exactly (a tool call's `arguments` as the model sent them).
 *
 * @module
 */

import type { ApprovalRequest } from "../agent/approval.ts";
import type { AgentEvent } from "../agent/events.ts";
import { OutputCoalescer } from "./output_coalescer.ts";
import { safeJson } from "./sanitize.ts";
import type { SessionInfo, StepEnd, View } from "./view.ts";

/** One line of `--json` output. */
export type JsonEvent =
  | AgentEvent
  | ({ type: "session" } & SessionInfo)
  | ({ type: "step_end" } & StepEnd)
  | { type: "info"; message: string }
  | { type: "diff"; diff: string };

/**
 * Prints each event as a JSON line.
 *
 * @example
 * ```ts
 * import { JsonView } from "./json_view.ts";
 * const view = new JsonView((line) => console.log(line.trimEnd()));
 * view.info("Saved."); // {"type":"info","message":"Saved."}
 * ```
 */
export class JsonView implements View {
  readonly #write: (line: string) => void;
  /** `tool_output` events joined per stream (see {@linkcode OutputCoalescer}). */
  readonly #output: OutputCoalescer;

  /**
   * Creates a `JsonView`.
   * @param write Writes one line (ending in a newline) to stdout.
   */
  constructor(write: (line: string) => void) {
    this.#write = write;
    this.#output = new OutputCoalescer((event) => this.#write(`${safeJson(event)}\n`));
  }

  /** Prints a `session` line. */
  session(info: SessionInfo): void {
    this.#emit({ type: "session", ...info });
  }

  /**
   * Prints the agent's event as it is; `tool_output` events are joined per stream, at most
   * one every 100 ms (at once when 64 KiB wait), all printed before any other line.
   */
  event(event: AgentEvent): void {
    if (event.type === "tool_output") return this.#output.push(event);
    this.#emit(event);
  }

  /**
   * Prints nothing: `--json` never asks (a call that needs approval is refused, and its
   * `approval` event says so).
   */
  approvalRequest(_request: ApprovalRequest): void {}

  /** Prints a `step_end` line. */
  stepEnd(end: StepEnd): void {
    this.#emit({ type: "step_end", ...end });
  }

  /** Prints an `info` line. */
  info(message: string): void {
    this.#emit({ type: "info", message });
  }

  /** Prints a `diff` line: `{ "type": "diff", "diff": TEXT }`. */
  diff(text: string): void {
    this.#emit({ type: "diff", diff: text });
  }

  /** Prints an `error` line, shaped as the agent's own error events. */
  error(error: Error): void {
    this.#emit({ type: "error", name: error.name, message: error.message });
  }

  #emit(event: JsonEvent): void {
    this.#output.flush();
    this.#write(`${safeJson(event)}\n`);
  }
}
