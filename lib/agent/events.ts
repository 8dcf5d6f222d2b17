/**
 * What an agent reports while it works, as plain objects with a `type` field:
 * serializable as they are (`JSON.stringify(event)` is a JSON line), the same
 * for the interactive view, `--json` and library users.
 *
 * @module
 */

import type { OutputChunk, RuntimeEvent } from "../runtime/mod.ts";
import type { ToolCall } from "./history.ts";
import type { RetryInfo, Usage } from "./model.ts";

/** One tool call the agent ran, and what came of it. */
export interface ToolRun {
  /** The call's id (`tool_call_id` of its result). */
  id: string;
  /** The tool's name, as the model called it. */
  name: string;
  /** The arguments, as the model sent them (not necessarily valid JSON). */
  arguments: string;
  /** What the model was given back (cut in the middle when too long). */
  content: string;
  /** True when the call failed (bad arguments, refused path, non-zero exit code...). */
  isError: boolean;
  /** A command's exit code, for `bash`. */
  exitCode?: number;
  /** True when a command was killed by its timeout. */
  timedOut?: boolean;
  /** How long the call took. */
  durationMs: number;
}

/**
 * Something that happened during a step:
 *
 * - `request`: the agent is asking the model (the `n`-th request of this step); show a spinner.
 * - `text`: a piece of the assistant's text, as it streams.
 * - `assistant`: the assistant's whole message: its text and the tool calls it made.
 * - `tool_call`: a tool call is about to run.
 * - `approval`: a tool call that was not plainly allowed: allowed by an allow rule or by the user,
 *   or denied by a rule, by the user, or because it needed approval and no one could give it
 *   (`by: "mode"`). Comes between the call's `tool_call` and its `tool_result`.
 * - `tool_output`: a piece of a running command's output (`stream` is `"stdout"` or
 *   `"stderr"`), in arrival order, all before its call's `tool_result`; what the call printed
 *   before a timeout or a cancel is also in that result.
 * - `tool_result`: a tool call finished (a {@linkcode ToolRun}).
 * - `usage`: tokens one model request used, when the server reports it.
 * - `retry`: the model's reply broke off and is asked for again: drop the `text` shown since
 *   the last `request`, the reply starts over.
 * - `notice`: something to tell the user: the sandbox fell back to the host, the shell was
 *   reset.
 * - `step_limit`: the step stopped after `maxSteps` model requests without a final answer;
 *   the history is usable and another message lets the model go on.
 * - `pull`: image pull progress, as the engine reports it.
 * - `worktree`: the session's branch and worktree were made (or checked out again, `reattached`),
 *   with the uncommitted files `carried` over from the user's checkout; before the sandbox
 *   starts.
 * - `checkpoint`: a step changed files, and they were committed on the session's branch.
 * - `error`: the step failed; `step()` rejects with the same error.
 */
export type AgentEvent =
  | { type: "request"; n: number }
  | { type: "text"; delta: string }
  | ({ type: "retry" } & RetryInfo)
  | { type: "assistant"; content: string | null; toolCalls: ToolCall[] }
  | { type: "tool_call"; id: string; name: string; arguments: string }
  | {
    type: "approval";
    id: string;
    name: string;
    arguments: string;
    decision: "allow" | "deny";
    by: "rule" | "mode" | "user";
    /** The rule that decided, or that asked. */
    rule?: string;
    /** Why the policy did not simply allow it. */
    reason: string;
  }
  | ({ type: "tool_output"; id: string } & OutputChunk)
  | ({ type: "tool_result" } & ToolRun)
  | ({ type: "usage" } & Usage)
  | { type: "error"; name: string; message: string }
  | { type: "step_limit"; maxSteps: number }
  | {
    type: "worktree";
    branch: string;
    path: string;
    /** The user's checkout it was made from. */
    repository: string;
    carried: string[];
    reattached: boolean;
  }
  | { type: "checkpoint"; commit: string; message: string; files: string[] }
  | RuntimeEvent;
