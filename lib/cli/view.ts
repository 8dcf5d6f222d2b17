/**
 * What the command line shows, as one small interface: the terminal view
 * draws it for people, the JSON view prints it as JSON lines. Both receive the
 * same agent events.
 *
 * @module
 */

import type { ApprovalRequest } from "../agent/approval.ts";
import type { AgentEvent } from "../agent/events.ts";
import type { SandboxInfo } from "../runtime/mod.ts";

/** What the session's first line tells. */
export interface SessionInfo {
  /** Pygent's version. */
  version: string;
  /** The model's name. */
  model: string;
  /** Where commands run. */
  sandbox: SandboxInfo;
  /** The workspace folder on the host. */
  workspace: string;
  /** True when the workspace is a temporary folder, removed with everything in it at the end. */
  temporaryWorkspace: boolean;
  /** The id the session is kept under; null when it is not kept (`--no-history`). */
  sessionId?: string | null;
  /** The kept session this one continues (`--resume`, `--continue`); null when none. */
  resumedFrom?: string | null;
}

/** How a step (one message) ended. */
export interface StepEnd {
  /** "done": the agent answered; "cancelled": Ctrl-C or a signal; "failed": an error. */
  outcome: "done" | "cancelled" | "failed";
  /** Wall-clock time of the step. */
  durationMs: number;
}

/** Receives everything a session shows, in order. */
export interface View {
  /** The session begins: which model, where commands run, which workspace. */
  session(info: SessionInfo): void;
  /** One event of the agent (or of the runtime, such as pull progress); `!COMMAND` is a tool call. */
  event(event: AgentEvent): void;
  /**
   * A tool call waits for the user's answer (only an interactive session asks): the view shows,
   * in the call's frame, what would change (a file write's diff) and why it needs approval. The
   * call's `approval` event follows the answer.
   */
  approvalRequest(request: ApprovalRequest): void;
  /** A step ended; the view closes what it has open (text, spinner). */
  stepEnd(end: StepEnd): void;
  /** A line of information: the answer to a session command. */
  info(message: string): void;
  /** A whole diff, as `git diff` prints it without colours (`/diff`). */
  diff(text: string): void;
  /** An error outside the agent's own events (start-up, a session command). */
  error(error: Error): void;
}
