/**
 * One session of the command line: each input is a message for the agent or a
 * session command, run against the same agent and sandbox, shown through a
 * {@linkcode View}. The same for one-shot, piped and interactive use.
 *
 * @module
 */

import type { AgentEvent } from "../agent/events.ts";
import type { ChatMessage } from "../agent/history.ts";
import { bashTool } from "../agent/tools/bash.ts";
import type { StepResult } from "../agent/step_run.ts";
import type { Runtime } from "../runtime/mod.ts";
import { BETWEEN_STEPS, type Checkpoint, type SessionWorktree } from "../worktree/mod.ts";
import { counted } from "./counted.ts";
import { SESSION_HELP, type SessionInput } from "./commands.ts";
import { SaveError, UsageError } from "./errors.ts";
import type { View } from "./view.ts";

/** What a session needs of the agent. */
export interface SessionAgent {
  /** The sandbox; `!COMMAND` runs there too. */
  readonly runtime: Runtime;
  /** The model, for the first line. */
  readonly model: { readonly name: string };
  /** Runs one message; its events go to the `onEvent` the agent was made with. */
  step(message: string, options?: { signal?: AbortSignal }): PromiseLike<StepResult>;
  /** Starts a new conversation. */
  reset(): void | Promise<void>;
  /** Writes the conversation to `path` as JSON. */
  save(path: string): Promise<void>;
  /** The messages from `start` on (a copy). */
  messagesSince(start: number): ChatMessage[];
  /** With `--worktree`, the session's branch and worktree, once made. */
  readonly worktree: SessionWorktree | undefined;
  /** Puts the files back as they were before the newest checkpoint (`/undo`). */
  undo(): Promise<Checkpoint | undefined>;
  /** The session's whole diff (`/diff`). */
  diff(): Promise<string>;
  /** Lets another pygent work on the session's branch once this one ends. */
  releaseWorktree(): void;
}

/**
 * Where the conversation is written as it goes (the session store's writer): given the new
 * messages each time a message completes, and told when the user starts a new conversation.
 */
export interface ConversationLog {
  /** How many messages of the conversation it holds. */
  readonly written: number;
  /** Appends messages that follow those written. May throw: the session goes on. */
  append(messages: readonly ChatMessage[]): void;
  /** The conversation was reset: the next messages begin a new one. */
  reset(): void;
  /** Writes nothing more. */
  close(): void;
}

/** Options of {@linkcode Session.open}. */
export interface SessionOptions {
  /** Makes the agent, which must send every event it has to `onEvent`. */
  createAgent: (onEvent: (event: AgentEvent) => void) => SessionAgent | Promise<SessionAgent>;
  /** Where everything is shown. */
  view: View;
  /** Time limit of a `!COMMAND`, in milliseconds. */
  timeoutMs: number;
  /** One request from the command line: nothing can follow, and the messages say so. */
  oneShot?: boolean;
  /** The agent works on a branch of its own (`--worktree`): `/undo` and `/diff` work. */
  worktree?: boolean;
}

/** What came of one input. */
export type InputOutcome =
  /** The input did its work. */
  | "ok"
  /** It failed (the view has said why), or the step stopped at its step limit. */
  | "failed"
  /** It was cancelled through its signal. */
  | "cancelled"
  /** The user asked to end the session. */
  | "exit";

/**
 * Runs inputs one after another.
 *
 * @example
 * ```ts ignore
 * const session = await Session.open({ createAgent: (onEvent) => new Agent({ onEvent }), view, timeoutMs: 30_000 });
 * await session.run(parseInput("!ls"), new AbortController().signal);
 * ```
 */
export class Session {
  /** The agent the session's messages go to. */
  readonly agent: SessionAgent;
  readonly #view: View;
  readonly #timeoutMs: number;
  readonly #oneShot: boolean;
  readonly #worktree: boolean;
  /** The signal of the input running now. */
  #signal: AbortSignal | undefined;
  /** How many `!COMMAND`s ran, for their ids. */
  #shellRuns = 0;
  /** Calls of this step refused because they needed approval and no one could answer. */
  #refused = 0;
  /** Where the conversation is written, once {@linkcode Session.record} was called. */
  #log: ConversationLog | undefined;

  private constructor(agent: SessionAgent, view: View, options: SessionOptions) {
    this.agent = agent;
    this.#view = view;
    this.#timeoutMs = options.timeoutMs;
    this.#oneShot = options.oneShot ?? false;
    this.#worktree = options.worktree ?? false;
  }

  /** Makes the agent and the session around it. */
  static async open(options: SessionOptions): Promise<Session> {
    const early: AgentEvent[] = [];
    let show: (event: AgentEvent) => void = (event) => early.push(event);
    const agent = await options.createAgent((event) => show(event));
    const session = new Session(agent, options.view, options);
    show = (event) => session.#show(event);
    early.forEach(show);
    return session;
  }

  /**
   * Writes the conversation to `log` from now on: each message as it completes (the user's and
   * the system prompt as the model is first asked, the assistant's, each tool result, the
   * results a failed or cancelled step gives its calls). A write that fails is said once, and
   * the session goes on without it.
   */
  record(log: ConversationLog): void {
    this.#log = log;
  }

  /** Stops writing the conversation. */
  stopRecording(): void {
    this.#log?.close();
    this.#log = undefined;
  }

  /** The sandbox. */
  get runtime(): Runtime {
    return this.agent.runtime;
  }

  /** Runs one input; aborting `signal` cancels it (and kills a running command). */
  async run(input: SessionInput, signal: AbortSignal): Promise<InputOutcome> {
    const view = this.#view;
    this.#signal = signal;
    try {
      switch (input.kind) {
        case "message":
          return await this.#step(input.text, signal);
        case "shell":
          return await this.#shell(input.command, signal);
        case "help":
          view.info(SESSION_HELP);
          return "ok";
        case "reset":
          await this.agent.reset();
          this.#log?.reset();
          view.info("New conversation. The sandbox keeps its files; the shell starts afresh.");
          return "ok";
        case "save":
          return await this.#save(input.file);
        case "undo":
          return await this.#undo();
        case "diff":
          return await this.#diff();
        case "exit":
          return "exit";
        case "empty":
          return "ok";
        case "invalid":
          view.error(new UsageError(input.message));
          return "failed";
      }
    } catch (error) {
      if (signal.aborted) return "cancelled";
      view.error(error instanceof Error ? error : new Error(String(error)));
      return "failed";
    } finally {
      this.#signal = undefined;
    }
  }

  #show(event: AgentEvent): void {
    if (
      (event.type === "request" && event.n === 1) || event.type === "assistant" ||
      event.type === "tool_result" || event.type === "error"
    ) {
      // The agent adds a message to its history just before each of these events.
      this.#sync();
    }
    // A cancelled step reports its abort as an error: "Cancelled." says it better.
    if (event.type === "error" && this.#signal?.aborted) return;
    if (event.type === "approval" && event.decision === "deny" && event.by === "mode") {
      this.#refused++;
    }
    if (event.type === "step_limit") {
      const n = event.maxSteps;
      this.#view.event({
        type: "notice",
        message: `Stopped after ${counted(n, "model request")} without a final answer ` +
          `(--max-steps ${n}); ` +
          (this.#oneShot
            ? "run again with a higher --max-steps."
            : "send another message to let it go on."),
      });
      return;
    }
    this.#view.event(event);
  }

  #sync(): void {
    const log = this.#log;
    if (!log) return;
    try {
      log.append(this.agent.messagesSince(log.written));
    } catch (error) {
      this.stopRecording();
      const why = error instanceof Error ? error.message : String(error);
      this.#view.event({ type: "notice", message: `The session is no longer kept: ${why}` });
    }
  }

  async #save(file: string): Promise<InputOutcome> {
    try {
      await this.agent.save(file);
    } catch (error) {
      const why = error instanceof Deno.errors.NotFound
        ? "no such folder"
        : error instanceof Deno.errors.PermissionDenied
        ? "permission denied"
        : error instanceof Deno.errors.IsADirectory
        ? "it is a folder"
        : error instanceof Error
        ? error.message
        : String(error);
      this.#view.error(new SaveError(`cannot save to ${file}: ${why}`, { cause: error }));
      return "failed";
    }
    this.#view.info(`Saved the conversation to ${file} (resume it with --load).`);
    return "ok";
  }

  async #undo(): Promise<InputOutcome> {
    if (!this.#onBranch("/undo")) return "failed";
    const undone = await this.agent.undo();
    if (!undone) {
      this.#view.info("Nothing to undo: the files are as they were when the session began.");
      return "ok";
    }
    const what = undone.message === BETWEEN_STEPS
      ? "the changes made since the last step"
      : `"${undone.message}"`;
    this.#view.info(
      `Undid ${what} (${counted(undone.files.length, "file")}: ${undone.files.join(", ")}); ` +
        "the model is told at your next message.",
    );
    return "ok";
  }

  async #diff(): Promise<InputOutcome> {
    if (!this.#onBranch("/diff")) return "failed";
    const diff = await this.agent.diff();
    if (diff) this.#view.diff(diff);
    else this.#view.info("No changes yet: the files are as they were when the session began.");
    return "ok";
  }

  /** True when the session works on a branch; otherwise says why `command` cannot work. */
  #onBranch(command: string): boolean {
    if (this.#worktree) return true;
    this.#view.error(
      new UsageError(
        `${command} works on a session started with --worktree, where each step is a ` +
          "checkpoint on a branch of its own.",
      ),
    );
    return false;
  }

  async #step(message: string, signal: AbortSignal): Promise<InputOutcome> {
    const started = Date.now();
    this.#refused = 0;
    let outcome: InputOutcome;
    try {
      const result = await this.agent.step(message, { signal });
      outcome = signal.aborted ? "cancelled" : result.stopReason === "done" ? "ok" : "failed";
    } catch {
      // The step's error event has already been shown.
      outcome = signal.aborted ? "cancelled" : "failed";
    }
    this.#sync();
    if (this.#refused > 0) {
      const n = this.#refused;
      this.#view.event({
        type: "notice",
        message:
          `${counted(n, "call")} needed approval and ${
            n === 1 ? "was" : "were"
          } not run: no one can answer here. Allow ${
            n === 1 ? "it" : "them"
          } with rules in the config file (pygent policy check tells what a rule allows), run ` +
          "pygent interactively, or pass --approval never.",
      });
    }
    this.#view.stepEnd({
      outcome: outcome === "ok" ? "done" : outcome === "cancelled" ? "cancelled" : "failed",
      durationMs: Date.now() - started,
    });
    return outcome;
  }

  /**
   * Runs `!COMMAND` with the model's own `bash` tool, shown as a tool call with a `user_` id.
   * In copy mode it is synced as a step is: your edits go in before, its changes come back after.
   */
  async #shell(command: string, signal: AbortSignal): Promise<InputOutcome> {
    const id = `user_${++this.#shellRuns}`;
    const args = JSON.stringify({ cmd: command });
    const since = Date.now();
    this.#view.event({ type: "tool_call", id, name: bashTool.name, arguments: args });
    let output;
    try {
      await this.runtime.sync();
      output = await bashTool.run({ cmd: command }, {
        runtime: this.runtime,
        signal,
        timeoutMs: this.#timeoutMs,
        onOutput: (chunk) => this.#view.event({ type: "tool_output", id, ...chunk }),
      }).finally(() =>
        this.runtime.sync().catch((error) =>
          this.#view.event({
            type: "notice",
            message: `The command's changes could not be copied back from the sandbox (they ` +
              `stay there): ${(error as Error).message}`,
          })
        )
      );
    } catch (error) {
      if (signal.aborted) {
        this.#view.stepEnd({ outcome: "cancelled", durationMs: Date.now() - since });
        return "cancelled";
      }
      // Every tool_call gets its tool_result, and every input its step_end, even on an error.
      const message = error instanceof Error ? error.message : String(error);
      this.#view.event({
        type: "tool_result",
        id,
        name: bashTool.name,
        arguments: args,
        content: `Error: ${message}`,
        isError: true,
        durationMs: Date.now() - since,
      });
      this.#view.stepEnd({ outcome: "failed", durationMs: Date.now() - since });
      throw error;
    }
    const { content, isError = false, exitCode, timedOut, notice } = typeof output === "string"
      ? { content: output }
      : output;
    if (notice) this.#view.event({ type: "notice", message: notice });
    this.#view.event({
      type: "tool_result",
      id,
      name: bashTool.name,
      arguments: args,
      content,
      isError,
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(timedOut !== undefined ? { timedOut } : {}),
      durationMs: Date.now() - since,
    });
    this.#view.stepEnd({ outcome: isError ? "failed" : "done", durationMs: Date.now() - since });
    return isError ? "failed" : "ok";
  }
}
