/**
 * The agent: OpenAI tool calling over the sandbox, the session's history, and
 * the events that report its work.
 *
 * @example
 * ```ts
 * import { Agent } from "./mod.ts";
 * await using ag = new Agent();
 * const result = await ag.step("echo 'Ola Mundo'");
 * console.log(result.text);
 * ```
 *
 * @module
 */

export * from "./agent.ts";
export * from "./approval.ts";
export * from "./errors.ts";
export type * from "./events.ts";
export type * from "./history.ts";
export * from "./json_schema.ts";
export type * from "./model.ts";
export * from "./openai_model.ts";
export * from "./settings.ts";
export * from "./step_run.ts";
export * from "./system_prompt.ts";
export * from "./tools/bash.ts";
export * from "./tools/cut_middle.ts";
export * from "./tools/edit_file.ts";
export * from "./tools/file_diff.ts";
export * from "./tools/read_file.ts";
export * from "./tools/registry.ts";
export * from "./tools/tool.ts";
export * from "./tools/write_file.ts";
