/**
 * The `bash` tool: runs a command in the sandbox's long-lived shell and tells
 * the model its output, its exit code, and whether it timed out.
 *
 * @module
 */

import type { BashResult } from "../../runtime/mod.ts";
import type { Tool } from "./tool.ts";

/** Arguments of the `bash` tool. */
export interface BashArgs {
  /** The command line. */
  cmd: string;
  /** Seconds before the command is killed; default: the agent's `timeout` (30). */
  timeout?: number;
}

/**
 * Runs a shell command in the sandbox.
 *
 * @example
 * ```ts
 * import { bashTool } from "./bash.ts";
 * import { createRuntime } from "../../runtime/mod.ts";
 * await using runtime = await createRuntime({ docker: false });
 * console.log(await bashTool.run({ cmd: "echo hi" }, { runtime, timeoutMs: 30_000 }));
 * // { content: "hi\n[exit code 0]", isError: false, exitCode: 0, timedOut: false }
 * ```
 */
export const bashTool: Tool<BashArgs> = {
  name: "bash",
  description: "Run a shell command in the sandbox and get its output and exit code. " +
    "The shell persists between calls: `cd`, variables and functions carry over. " +
    "Commands get no input (stdin is empty), so use non-interactive flags.",
  parameters: {
    type: "object",
    properties: {
      cmd: { type: "string", minLength: 1, description: "The command line to run." },
      timeout: {
        type: "number",
        minimum: 1,
        description: "Seconds before the command is killed (default: 30).",
      },
    },
    required: ["cmd"],
    additionalProperties: false,
  },
  async run(args, context) {
    const timeoutMs = args.timeout !== undefined ? args.timeout * 1000 : context.timeoutMs;
    const result = await context.runtime.bash(args.cmd, {
      timeoutMs,
      signal: context.signal,
      ...(context.onOutput ? { onOutput: context.onOutput } : {}),
    });
    return {
      content: describeResult(result, timeoutMs),
      isError: result.exitCode !== 0 || result.timedOut,
      exitCode: result.exitCode,
      timedOut: result.timedOut,
      ...(result.notice ? { notice: result.notice } : {}),
    };
  },
};

/** The model's view of a command's result: stdout, stderr apart, then what happened. */
function describeResult(result: BashResult, timeoutMs: number): string {
  const parts: string[] = [];
  if (result.stdout) parts.push(result.stdout.replace(/\n$/, ""));
  if (result.stderr) parts.push(`[stderr]\n${result.stderr.replace(/\n$/, "")}`);
  if (result.timedOut) {
    parts.push(
      `[timed out after ${timeoutMs / 1000} s: the command and everything it started were ` +
        `killed; exit code ${result.exitCode}. Use a longer timeout, or run it in the background]`,
    );
  } else {
    parts.push(`[exit code ${result.exitCode}]`);
  }
  if (result.notice) parts.push(`[notice: ${result.notice}]`);
  return parts.join("\n");
}
