/**
 * What a tool is: a name, a description and a JSON schema the model reads, and
 * a handler that runs a call in the sandbox. Built-in tools and tools a caller
 * registers have the same shape.
 *
 * @module
 */

import type { OutputChunk, Runtime } from "../../runtime/mod.ts";
import type { JsonSchema } from "../json_schema.ts";

/** What a tool's handler gets besides its arguments. */
export interface ToolContext {
  /** The sandbox. A lazy runtime starts on first use. */
  runtime: Runtime;
  /** Aborted when the step is cancelled: stop, and let the abort reason propagate. */
  signal?: AbortSignal;
  /** The default timeout of a command, in milliseconds (the agent's `timeout` option). */
  timeoutMs: number;
  /**
   * Receives a command's output while it runs (the agent emits it as `tool_output` events);
   * a tool that runs commands passes it to `Runtime.bash`.
   */
  onOutput?: (chunk: OutputChunk) => void;
}

/** A tool's result. A plain string is the same as `{ content: string }`. */
export interface ToolOutput {
  /** What the model reads. The agent cuts it in the middle when it is too long. */
  content: string;
  /** True when the call failed; the model reads the content as an error to correct. */
  isError?: boolean;
  /** A command's exit code, for tools that run one. */
  exitCode?: number;
  /** True when a command was killed by its timeout. */
  timedOut?: boolean;
  /** Something the user should know too, e.g. that the shell was reset. */
  notice?: string;
}

/**
 * A tool the model can call. `run` receives arguments already checked against
 * `parameters`; what it throws goes back to the model as a tool error.
 *
 * @example
 * ```ts
 * import type { Tool } from "./tool.ts";
 * const clock: Tool<Record<string, never>> = {
 *   name: "clock",
 *   description: "The current time, as ISO 8601.",
 *   parameters: { type: "object", properties: {}, additionalProperties: false },
 *   run: () => Promise.resolve(new Date().toISOString()),
 * };
 * ```
 */
export interface Tool<Args = Record<string, unknown>> {
  /** The name the model calls it by: letters, digits, `_` and `-`. */
  readonly name: string;
  /** What it does and when to use it, for the model. */
  readonly description: string;
  /** The JSON schema of its arguments object. */
  readonly parameters: JsonSchema;
  /** Runs one call. */
  run(args: Args, context: ToolContext): Promise<string | ToolOutput>;
  /**
   * What a call would change, shown before it runs when it needs the user's approval: the file
   * tools give a unified diff. Changes nothing.
   */
  preview?(args: Args, context: ToolContext): Promise<string>;
}

/** A tool of any argument type, as lists of tools hold them. */
export type AnyTool = Tool<never>;

/**
 * A failure a tool reports to the model (bad input, text not found) rather than
 * a fault of the sandbox. Throw it from `run` for a clean message.
 */
export class ToolError extends Error {
  /**
   * Makes the error.
   * @param message What the model should know to correct its call.
   */
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}
