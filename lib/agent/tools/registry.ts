/**
 * The tools of one agent, by name: the built-in four plus any a caller adds.
 * A call from the model is parsed and checked against the tool's schema here,
 * and every failure the model can correct becomes a tool error, never a crash.
 *
 * @module
 */

import { SandboxUnavailableError } from "../../runtime/mod.ts";
import { AgentError } from "../errors.ts";
import { validateJson } from "../json_schema.ts";
import type { ToolSchema } from "../model.ts";
import { bashTool } from "./bash.ts";
import { editFileTool } from "./edit_file.ts";
import { readFileTool } from "./read_file.ts";
import type { AnyTool, ToolContext, ToolOutput } from "./tool.ts";
import { writeFileTool } from "./write_file.ts";

/** The tools every agent has: `bash`, `write_file`, `read_file`, `edit_file`. */
export const BUILTIN_TOOLS: readonly AnyTool[] = [
  bashTool,
  writeFileTool,
  readFileTool,
  editFileTool,
];

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A set of tools by name.
 *
 * @example
 * ```ts
 * import { ToolRegistry } from "./registry.ts";
 * import { createRuntime } from "../../runtime/mod.ts";
 * const tools = new ToolRegistry();
 * await using runtime = await createRuntime({ docker: false });
 * const out = await tools.call("bash", '{"cmd":"echo hi"}', { runtime, timeoutMs: 30_000 });
 * console.log(out.content); // "hi\n[exit code 0]"
 * ```
 */
export class ToolRegistry {
  readonly #tools = new Map<string, AnyTool>();

  /**
   * Holds the built-in tools, then `extra`.
   * @param extra Tools to add to the built-in ones.
   */
  constructor(extra: readonly AnyTool[] = []) {
    for (const tool of [...BUILTIN_TOOLS, ...extra]) this.register(tool);
  }

  /** Adds a tool. Throws {@linkcode AgentError} for a bad or already used name. */
  register(tool: AnyTool): void {
    if (!NAME.test(tool.name)) {
      throw new AgentError(
        `Tool name ${JSON.stringify(tool.name)} is not valid; use 1 to 64 letters, digits, _ or -.`,
      );
    }
    if (this.#tools.has(tool.name)) {
      throw new AgentError(`A tool named ${tool.name} is already registered.`);
    }
    this.#tools.set(tool.name, tool);
  }

  /** The tools' names, in registration order. */
  get names(): string[] {
    return [...this.#tools.keys()];
  }

  /** The tools as the model is told about them. */
  schemas(): ToolSchema[] {
    return [...this.#tools.values()].map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.parameters },
    }));
  }

  /**
   * Runs one call as the model made it. An unknown tool, arguments that are not a JSON
   * object or do not match the schema, and whatever the tool throws become a tool error
   * the model reads. Only a cancellation (the abort reason) and a sandbox that cannot run
   * anything (a {@linkcode SandboxUnavailableError}) propagate: the model can correct neither.
   */
  call(name: string, rawArgs: string, context: ToolContext): Promise<ToolOutput> {
    const prepared = this.prepare(name, rawArgs);
    return prepared.ok ? this.run(prepared, context) : Promise.resolve(prepared.output);
  }

  /**
   * Checks a call as the model made it, without running it: the tool, and its arguments parsed
   * and checked against the tool's schema; or the tool error the model gets instead.
   */
  prepare(name: string, rawArgs: string): PreparedCall {
    const tool = this.#tools.get(name);
    if (tool === undefined) {
      return failure(
        `Unknown tool ${JSON.stringify(name)}. The tools are: ${this.names.join(", ")}.`,
      );
    }
    const args = parseArguments(rawArgs);
    if (typeof args === "string") return failure(args);
    const problems = validateJson(tool.parameters, args);
    if (problems.length > 0) {
      return failure(`Invalid arguments for ${name}: ${problems.join("; ")}.`);
    }
    return { ok: true, tool, args };
  }

  /** Runs a prepared call; errors as {@linkcode ToolRegistry.call} says. */
  async run(call: ReadyCall, context: ToolContext): Promise<ToolOutput> {
    try {
      const output = await call.tool.run(call.args as never, context);
      return typeof output === "string" ? { content: output } : output;
    } catch (error) {
      if (context.signal?.aborted || error instanceof SandboxUnavailableError) throw error;
      return failure(error instanceof Error ? error.message : String(error)).output;
    }
  }
}

/** A call checked against its tool's schema, ready to run. */
export interface ReadyCall {
  ok: true;
  /** The tool called. */
  tool: AnyTool;
  /** The arguments, checked against the tool's schema. */
  args: Record<string, unknown>;
}

/** What {@linkcode ToolRegistry.prepare} makes of a call: ready, or the error the model gets. */
export type PreparedCall = ReadyCall | { ok: false; output: ToolOutput };

/** Arguments as an object, or what is wrong with them. Empty arguments mean `{}`. */
function parseArguments(raw: string): Record<string, unknown> | string {
  if (raw.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    return `The arguments are not valid JSON (${(error as Error).message}): ` +
      `${JSON.stringify(raw.slice(0, 200))}. Send a JSON object.`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `The arguments must be a JSON object, got ${JSON.stringify(raw.slice(0, 200))}.`;
  }
  return value as Record<string, unknown>;
}

function failure(content: string): { ok: false; output: ToolOutput } {
  return { ok: false, output: { content: `Error: ${content}`, isError: true } };
}
