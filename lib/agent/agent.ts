/**
 * The agent: takes a request in plain language, lets the model decide which
 * commands to run and which files to write, runs them in the sandbox, feeds the
 * results back, and keeps the conversation for the session.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { newSessionId } from "../session_id.ts";
import {
  LazyRuntime,
  type OutputChunk,
  resolveRuntimeOptions,
  type Runtime,
  RuntimeError,
  type RuntimeOptions,
} from "../runtime/mod.ts";
import { ApprovalGate, type ApprovalSettings, type Approver } from "./approval.ts";
import { AgentBusyError, HistoryFileError } from "./errors.ts";
import type { AgentEvent, ToolRun } from "./events.ts";
import { type ChatMessage, historyProblem, type ToolCall } from "./history.ts";
import type { Model, Usage } from "./model.ts";
import { OpenAIModel } from "./openai_model.ts";
import { OutputSoFar } from "./output_so_far.ts";
import { DEFAULT_MAX_STEPS, DEFAULT_TIMEOUT_SECONDS, type GetEnv } from "./settings.ts";
import { startStepRun, type StepResult, type StepRun } from "./step_run.ts";
import { readInstructions, systemPrompt } from "./system_prompt.ts";
import { cutMiddle, DEFAULT_TOOL_OUTPUT_LIMIT } from "./tools/cut_middle.ts";
import { ToolRegistry } from "./tools/registry.ts";
import type { AnyTool, ToolContext, ToolOutput } from "./tools/tool.ts";
import { WorktreeSession } from "./worktree_session.ts";
import {
  BETWEEN_STEPS,
  type Checkpoint,
  type SessionWorktree,
  WorktreeError,
} from "../worktree/mod.ts";

/** Options of {@linkcode Agent}; everything is optional. */
export interface AgentOptions {
  /**
   * The sandbox. Default: a {@linkcode LazyRuntime} made from `runtimeOptions`, which starts
   * (Docker when an engine answers, else the host) when the first step begins. The agent owns
   * it: disposing the agent cleans it up.
   */
  runtime?: Runtime;
  /** Settings of the default runtime (ignored when `runtime` is given). */
  runtimeOptions?: RuntimeOptions;
  /**
   * The model. Default: an {@linkcode OpenAIModel} made from `modelName`, `baseURL`, `apiKey`
   * and `apiKeyEnv`.
   */
  model?: Model;
  /** The default model's name. Default `gpt-4o-mini`. */
  modelName?: string;
  /** The default model's server. Default `OPENAI_BASE_URL`, else OpenAI's API. */
  baseURL?: string;
  /** The default model's API key. Default: the variable `apiKeyEnv` names. */
  apiKey?: string;
  /** The variable the default model's API key is read from. Default `OPENAI_API_KEY`. */
  apiKeyEnv?: string;
  /** Model requests allowed per step: a whole number of at least 1. Default 20. */
  maxSteps?: number;
  /** Default timeout of a command, in seconds (above 0). Default 30. */
  timeout?: number;
  /** Replaces the whole default system prompt (which also carries `AGENTS.md`). */
  systemPrompt?: string;
  /** Tools to offer besides `bash`, `write_file`, `read_file` and `edit_file`. */
  tools?: readonly AnyTool[];
  /**
   * When a tool call may run: the approval mode and the rules. Default: mode `"auto"` (in a
   * container everything runs; on the host every command and file write needs approval) and no
   * rules.
   */
  approval?: ApprovalSettings;
  /**
   * Asked before a call the policy says needs approval; without it, such a call is refused and
   * the model is told to ask the user. `read_file` never needs approval.
   */
  approve?: Approver;
  /** Receives every event of every step, and the runtime's notices and pull progress. */
  onEvent?: (event: AgentEvent) => void;
  /** Characters of one tool result the model gets; longer ones are cut in the middle. Default 20 000. */
  outputLimit?: number;
  /** A conversation to continue (as {@linkcode Agent.history} gives it). */
  history?: readonly ChatMessage[];
  /**
   * Work on a branch of the workspace's git repository rather than in its folder: the session
   * gets its own branch `pygent/ID` from the repository's `HEAD` (uncommitted changes carried
   * over), checked out in a worktree under `$XDG_DATA_HOME/pygent/worktrees/`, which becomes
   * the sandbox's workspace; each step that changes files is committed there (see
   * {@linkcode Agent.checkpoints}). The repository is that of `runtimeOptions.workspace`, else
   * of the current folder. Not with `runtime`.
   */
  worktree?: boolean;
  /**
   * The session's id; with `worktree`, it names the branch, and an existing `pygent/ID` branch
   * is continued. Default: a new one.
   */
  sessionId?: string;
  /**
   * Where the default model reads `OPENAI_BASE_URL` and its key's variable, and the default
   * runtime Docker's variables (`DOCKER_HOST`…); defaults to `Deno.env`. No `PYGENT_*` variable
   * is read: the command line's loader turns those into the options above.
   */
  getEnv?: GetEnv;
}

/** Options of one {@linkcode Agent.step}. */
export interface StepOptions {
  /** Aborting stops the model request or kills the running command; the step then rejects. */
  signal?: AbortSignal;
}

/** The file format of {@linkcode Agent.save}. */
interface SavedConversation {
  format: "pygent-conversation";
  version: 1;
  model: string;
  messages: ChatMessage[];
}

/**
 * An agent session: one conversation over one sandbox.
 *
 * `new Agent()` is synchronous and starts nothing: the runtime starts when the first step
 * begins, in the background, while the model is asked; only a tool call waits for it.
 *
 * @example
 * ```ts
 * import { Agent } from "./agent.ts";
 * await using ag = new Agent({ runtimeOptions: { docker: false } });
 * const result = await ag.step("Create hello.py that prints 'Ola Mundo', then run it");
 * console.log(result.text, result.toolRuns.map((run) => run.name));
 * ```
 */
export class Agent implements AsyncDisposable {
  /** The sandbox commands run in. */
  readonly runtime: Runtime;
  /** The model. */
  readonly model: Model;
  /** Model requests allowed per step. */
  readonly maxSteps: number;
  /** The tools offered to the model. */
  readonly tools: ToolRegistry;
  readonly #timeoutMs: number;
  readonly #outputLimit: number;
  readonly #systemPrompt: string | undefined;
  readonly #onEvent: ((event: AgentEvent) => void) | undefined;
  readonly #approvals: ApprovalGate;
  /** The host folder of a default runtime's workspace, known before it starts (`dir` unset: a new one). */
  readonly #plannedWorkspace: { dir: string | undefined } | undefined;
  /** With `worktree`: the session's branch and worktree. */
  readonly #worktree: WorktreeSession | undefined;
  /** What the model must be told before the next message (files undone). */
  readonly #notes: string[] = [];
  #history: ChatMessage[];
  #current: ((event: AgentEvent) => void) | undefined;

  /**
   * Throws a {@linkcode ConfigError} for a bad option (e.g. `maxSteps: 0`) and
   * {@linkcode MissingApiKeyError} when the default model has no key for OpenAI's API.
   */
  constructor(options: AgentOptions = {}) {
    const getEnv = options.getEnv;
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    if (!Number.isSafeInteger(this.maxSteps) || this.maxSteps < 1) {
      throw new ConfigError(`maxSteps must be a whole number of at least 1; got ${this.maxSteps}.`);
    }
    const timeout = options.timeout ?? DEFAULT_TIMEOUT_SECONDS;
    if (!Number.isFinite(timeout) || timeout <= 0) {
      throw new ConfigError(`timeout must be a number of seconds above 0; got ${timeout}.`);
    }
    this.#timeoutMs = Math.round(timeout * 1000);
    this.#outputLimit = options.outputLimit ?? DEFAULT_TOOL_OUTPUT_LIMIT;
    this.#systemPrompt = options.systemPrompt;
    this.#onEvent = options.onEvent;
    this.tools = new ToolRegistry(options.tools);
    this.#approvals = new ApprovalGate(
      options.approval ?? {},
      options.approve,
      (event) => this.#emit(event),
    );
    this.model = options.model ?? new OpenAIModel({
      model: options.modelName,
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      apiKeyEnv: options.apiKeyEnv,
      getEnv,
    });
    if (options.worktree && options.runtime) {
      throw new ConfigError(
        "worktree works with the default runtime only: pass runtimeOptions, not runtime.",
      );
    }
    if (options.worktree) {
      this.#worktree = new WorktreeSession({
        source: options.runtimeOptions?.workspace ?? Deno.cwd(),
        id: options.sessionId ?? newSessionId(),
        getEnv: getEnv ?? ((name) => Deno.env.get(name)),
        emit: (event) => this.#emit(event),
        freeze: (work) => this.runtime.frozen(work),
      });
    }
    if (options.runtime) {
      this.runtime = options.runtime;
    } else {
      const worktree = this.#worktree;
      const runtimeOptions: RuntimeOptions = {
        ...(getEnv ? { getEnv } : {}),
        ...options.runtimeOptions,
        ...(worktree
          ? { workspace: worktree.path, prepare: () => worktree.ready().then(() => {}) }
          : {}),
        onEvent: (event) => {
          options.runtimeOptions?.onEvent?.(event);
          this.#emit(event);
        },
      };
      this.#plannedWorkspace = { dir: resolveRuntimeOptions(runtimeOptions).workspace };
      this.runtime = new LazyRuntime(runtimeOptions);
    }
    const history = [...options.history ?? []];
    // A saved system prompt describes the sandbox it was saved with: build a fresh one.
    this.#history = history[0]?.role === "system" ? history.slice(1) : history;
  }

  /**
   * Reads a conversation saved by {@linkcode Agent.save} and continues it with a new agent.
   * Throws {@linkcode HistoryFileError} when the file is missing or not a valid conversation.
   */
  static async load(path: string, options: Omit<AgentOptions, "history"> = {}): Promise<Agent> {
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (cause) {
      throw new HistoryFileError(path, (cause as Error).message, { cause });
    }
    let saved: unknown;
    try {
      saved = JSON.parse(text);
    } catch (cause) {
      throw new HistoryFileError(path, `it is not JSON (${(cause as Error).message})`, { cause });
    }
    const messages = typeof saved === "object" && saved !== null && "messages" in saved
      ? saved.messages
      : undefined;
    const problem = historyProblem(messages);
    if (problem !== undefined) throw new HistoryFileError(path, problem);
    return new Agent({ ...options, history: messages as ChatMessage[] });
  }

  /** The conversation so far, in OpenAI message form (a copy). */
  get history(): ChatMessage[] {
    return structuredClone(this.#history);
  }

  /**
   * The messages from `start` on (a copy): what a caller that keeps the conversation as it
   * goes has not seen yet, without copying the whole history each time.
   */
  messagesSince(start: number): ChatMessage[] {
    return structuredClone(this.#history.slice(start));
  }

  /**
   * With `worktree`: the session's branch and worktree, once made (the first step, or
   * `runtime.start()`, makes it).
   */
  get worktree(): SessionWorktree | undefined {
    return this.#worktree?.made;
  }

  /**
   * The session's checkpoints, oldest first: one commit on its branch for each step that
   * changed files.
   *
   * @throws {WorktreeError} When the agent was made without `worktree`.
   */
  async checkpoints(): Promise<Checkpoint[]> {
    return await this.#onWorktree("list checkpoints", (worktree) => worktree.checkpoints());
  }

  /**
   * Puts the workspace's files back as they were before the newest checkpoint (the sandbox
   * sees it at once) and tells the model so in its next request. Again, it goes one further
   * back. Resolves to the checkpoint undone, or undefined when there is nothing to undo.
   *
   * @throws {WorktreeError} When the agent was made without `worktree`.
   * @throws {AgentBusyError} While a step runs.
   */
  async undo(): Promise<Checkpoint | undefined> {
    if (this.#current) throw new AgentBusyError();
    const undone = await this.#onWorktree("undo", (worktree) => worktree.undo());
    if (undone) this.#notes.push(undoneNote(undone));
    return undone;
  }

  /**
   * The session's whole diff against the commit it started from, as `git diff` prints it.
   *
   * @param options `color`: with a terminal's colours.
   * @throws {WorktreeError} When the agent was made without `worktree`.
   */
  async diff(options: { color?: boolean } = {}): Promise<string> {
    return await this.#onWorktree("show a diff", (worktree) => worktree.diff(options));
  }

  /** True while a step runs. */
  get busy(): boolean {
    return this.#current !== undefined;
  }

  /**
   * Sends a message and lets the model work: ask the model, run every tool call it made (in
   * order), give it the results, until it answers without tool calls or `maxSteps` requests
   * were made. The returned {@linkcode StepRun} is a promise of the {@linkcode StepResult} and
   * an async iterable of the step's events. Cancelled, it rejects with the signal's reason;
   * failed, with the error (a {@linkcode ModelError}, a Docker engine fault...).
   *
   * Whatever happens (a cancellation, a model or engine failure), the history stays valid:
   * every tool call keeps a result, so the next step is accepted.
   */
  step(message: string, options: StepOptions = {}): StepRun {
    return startStepRun(async (emit) => {
      if (this.#current) throw new AgentBusyError();
      this.#current = emit;
      try {
        // Copy mode: the user's edits since the last step (an undo too) reach the sandbox.
        await this.runtime.sync();
        return await this.#run(message, options.signal);
      } catch (error) {
        const name = error instanceof Error ? error.name : "Error";
        const text = error instanceof Error ? error.message : String(error);
        this.#emit({ type: "error", name, message: text });
        throw error;
      } finally {
        // Whatever the step's end, what it changed is kept: never lost, and undoable. In copy
        // mode it is first brought back from the sandbox, so the checkpoint has it.
        await this.runtime.sync().catch((error) =>
          this.#emit({
            type: "notice",
            message: `The step's changes could not be copied back from the sandbox (they stay ` +
              `there): ${(error as Error).message}`,
          })
        );
        await this.#worktree?.checkpoint(message);
        this.#current = undefined;
      }
    });
  }

  /**
   * Starts a new conversation on the same sandbox: the history is cleared (the system prompt
   * is built again), and the runtime gets a fresh shell (working directory and variables back
   * to their defaults). Files in the workspace stay.
   */
  async reset(): Promise<void> {
    if (this.#current) throw new AgentBusyError();
    this.#history = [];
    await this.runtime.reset();
  }

  /** Writes the conversation to a JSON file, for {@linkcode Agent.load}. */
  async save(path: string): Promise<void> {
    const saved: SavedConversation = {
      format: "pygent-conversation",
      version: 1,
      model: this.model.name,
      messages: this.#history,
    };
    await Deno.writeTextFile(path, JSON.stringify(saved, null, 2) + "\n");
  }

  /**
   * Cleans up the runtime (removes the container) and, with `worktree`, lets another pygent
   * work on the session's branch; for `await using`. The branch and its worktree stay.
   */
  async [Symbol.asyncDispose](): Promise<void> {
    try {
      await this.runtime.cleanup();
    } finally {
      this.releaseWorktree();
    }
  }

  /**
   * With `worktree`: lets another pygent work on the session's branch (a second `--resume`,
   * `pygent merge`), as disposing the agent does. Synchronous, for a process that is ending.
   */
  releaseWorktree(): void {
    this.#worktree?.release();
  }

  async #run(message: string, signal: AbortSignal | undefined): Promise<StepResult> {
    signal?.throwIfAborted();
    const runtime = this.#startRuntime();
    this.#approvals.warm();
    if (this.#history[0]?.role !== "system") {
      const prompt = this.#systemPrompt ??
        await untilAborted(this.#buildSystemPrompt(runtime), signal);
      this.#history.unshift({ role: "system", content: prompt });
    }
    for (const note of this.#notes.splice(0)) this.#history.push({ role: "user", content: note });
    this.#history.push({ role: "user", content: message });
    const usage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    const toolRuns: ToolRun[] = [];
    let text = "";
    for (let n = 1; n <= this.maxSteps; n++) {
      this.#emit({ type: "request", n });
      const reply = await this.model.complete({
        messages: this.#history,
        tools: this.tools.schemas(),
        signal,
        onText: (delta) => this.#emit({ type: "text", delta }),
        onRetry: (retry) => this.#emit({ type: "retry", ...retry }),
      });
      if (reply.usage) {
        usage.promptTokens += reply.usage.promptTokens;
        usage.completionTokens += reply.usage.completionTokens;
        usage.totalTokens += reply.usage.totalTokens;
        this.#emit({ type: "usage", ...reply.usage });
      }
      text = reply.content ?? "";
      const toolCalls = reply.toolCalls.map(forHistory);
      // The API refuses an assistant message with neither text nor tool calls: keep "" then.
      this.#history.push(
        toolCalls.length > 0
          ? { role: "assistant", content: reply.content, tool_calls: toolCalls }
          : { role: "assistant", content: text },
      );
      this.#emit({ type: "assistant", content: reply.content, toolCalls });
      if (toolCalls.length === 0) {
        // The model needed no tool, but the step is not done while its sandbox is in doubt: a
        // sandbox that fails to start is this step's error (the next step would hit it anyway).
        await untilAborted(runtime, signal);
        return { text, stopReason: "done", toolRuns, usage, requests: n };
      }
      await this.#runToolCalls(reply.toolCalls, runtime, signal, toolRuns);
    }
    this.#emit({ type: "step_limit", maxSteps: this.maxSteps });
    return { text, stopReason: "max_steps", toolRuns, usage, requests: this.maxSteps };
  }

  /**
   * Runs the calls in order, appending each result to the history. When the step is cancelled
   * or fails midway, the calls left get a result that says so before the error propagates.
   */
  async #runToolCalls(
    calls: readonly ToolCall[],
    started: Promise<Runtime>,
    signal: AbortSignal | undefined,
    toolRuns: ToolRun[],
  ): Promise<void> {
    let done = 0;
    /**
     * The call in hand; `ran` once it got past its approval and began to run; `printed`, what
     * it printed so far; `closed` once its result is recorded (later output is dropped).
     */
    let running:
      | { call: ToolCall; since: number; ran: boolean; printed: OutputSoFar; closed: boolean }
      | undefined;
    try {
      // The container may still be starting (or pulling its image): a cancel must not wait.
      const runtime = await untilAborted(started, signal);
      for (const call of calls) {
        signal?.throwIfAborted();
        const { id, function: { name, arguments: args } } = call;
        this.#emit({ type: "tool_call", id, name, arguments: args });
        const current = {
          call,
          since: performance.now(),
          ran: false,
          printed: new OutputSoFar(this.#outputLimit),
          closed: false,
        };
        running = current;
        const onOutput = (chunk: OutputChunk) => {
          // Output that comes after the call's result (a stopped command's last words) is not
          // the call's any more: every `tool_output` comes before its `tool_result`.
          if (current.closed) return;
          current.printed.push(chunk);
          this.#emit({ type: "tool_output", id, stream: chunk.stream, text: chunk.text });
        };
        // A tool that does not heed the signal (an extra tool, a blocked read) must not hold a
        // cancel: the step returns, the tool finishes on its own. Nor must a question no one
        // answers.
        const output = await untilAborted(
          this.#approveAndRun(
            call,
            { runtime, signal, timeoutMs: this.#timeoutMs, onOutput },
            () => {
              // The time a call took is its run's, not the time the user took to answer.
              current.since = performance.now();
              current.ran = true;
            },
          ),
          signal,
        );
        current.closed = true;
        this.#recordResult(call, output, current.since, toolRuns);
        running = undefined;
        done++;
      }
    } catch (error) {
      const why = signal?.aborted
        ? "the user cancelled the step"
        : (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
      for (const call of calls.slice(done)) {
        if (call === running?.call) {
          running.closed = true;
          // What it printed before it was stopped is kept, for the model and the history.
          const seconds = (performance.now() - running.since) / 1000;
          const content = !running.ran
            ? `Error: not run: ${why}.`
            : running.printed.any
            ? running.printed.stopped(seconds, why)
            : `Error: stopped before it finished: ${why}.`;
          this.#recordResult(call, { content, isError: true }, running.since, toolRuns);
        } else {
          const content = `Error: not run: ${why}.`;
          this.#history.push({ role: "tool", tool_call_id: call.id, content });
        }
      }
      throw error;
    }
  }

  /**
   * Runs a call the model made, once it is valid and the approval policy lets it run.
   * @param onRun Called as the call begins to run, past its approval.
   */
  async #approveAndRun(
    call: ToolCall,
    context: ToolContext,
    onRun: () => void,
  ): Promise<ToolOutput> {
    const prepared = this.tools.prepare(call.function.name, call.function.arguments);
    if (!prepared.ok) return prepared.output;
    const refused = await this.#approvals.check(call, prepared, context);
    if (refused) return refused;
    onRun();
    return await this.tools.run(prepared, context);
  }

  #recordResult(call: ToolCall, output: ToolOutput, since: number, toolRuns: ToolRun[]): void {
    if (output.notice) this.#emit({ type: "notice", message: output.notice });
    const content = cutMiddle(output.content, this.#outputLimit);
    this.#history.push({ role: "tool", tool_call_id: call.id, content });
    const run: ToolRun = {
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      content,
      isError: output.isError ?? false,
      ...(output.exitCode !== undefined ? { exitCode: output.exitCode } : {}),
      ...(output.timedOut !== undefined ? { timedOut: output.timedOut } : {}),
      durationMs: Math.round(performance.now() - since),
    };
    toolRuns.push(run);
    this.#emit({ type: "tool_result", ...run });
  }

  /** Starts a lazy runtime in the background; a failure surfaces when a tool call needs it. */
  #startRuntime(): Promise<Runtime> {
    const started = this.runtime.start();
    started.catch(() => {});
    return started;
  }

  /**
   * The default system prompt. For a default runtime that will be a container, everything it
   * needs is known before the container is up, so the first model request does not wait for it.
   */
  async #buildSystemPrompt(started: Promise<Runtime>): Promise<string> {
    if (!this.runtime.started && this.#plannedWorkspace) {
      const sandbox = await this.runtime.describe();
      if (sandbox.kind === "docker") {
        const dir = this.#plannedWorkspace.dir;
        const instructions = dir === undefined ? undefined : await this.#instructions(dir);
        return systemPrompt({
          sandbox,
          workspace: sandbox.workdir,
          instructions,
          worktree: this.#worktree !== undefined,
        });
      }
    }
    const runtime = await started;
    const sandbox = runtime.sandbox;
    return systemPrompt({
      sandbox,
      workspace: sandbox.kind === "docker" ? sandbox.workdir : runtime.workspace,
      instructions: await this.#instructions(runtime.workspace),
      worktree: this.#worktree !== undefined,
    });
  }

  /** `AGENTS.md` of the workspace; one that cannot be read safely is skipped with a notice. */
  async #instructions(folder: string): Promise<string | undefined> {
    try {
      // A worktree's files are there once it is made.
      await this.#worktree?.ready();
      return await readInstructions(folder);
    } catch (error) {
      if (!(error instanceof RuntimeError)) throw error;
      this.#emit({ type: "notice", message: `AGENTS.md was not read: ${error.message}` });
      return undefined;
    }
  }

  /** Runs `work` on the session's worktree with the sandbox frozen. */
  async #onWorktree<T>(what: string, work: (worktree: SessionWorktree) => Promise<T>): Promise<T> {
    if (!this.#worktree) {
      throw new WorktreeError(
        `Cannot ${what}: this agent works without a worktree (worktree: true).`,
      );
    }
    return await this.#worktree.frozen(work);
  }

  #emit(event: AgentEvent): void {
    this.#onEvent?.(event);
    this.#current?.(event);
  }
}

/** What the model is told of an undone checkpoint, before the user's next message. */
function undoneNote(undone: Checkpoint): string {
  const files = undone.files.join(", ");
  const what = undone.message === BETWEEN_STEPS
    ? "the changes made in the workspace since your last step"
    : `the changes of the step "${undone.message}"`;
  return `[pygent] The user ran /undo: ${what} were undone (${files}); those files are back ` +
    "to how they were before.";
}

/**
 * A tool call as it is kept in the history: arguments that are not a JSON object become `{}`,
 * since some servers refuse a history whose arguments do not parse. The call itself still gets
 * the original text, and an error that quotes it.
 */
function forHistory(call: ToolCall): ToolCall {
  let args: unknown;
  try {
    args = JSON.parse(call.function.arguments);
  } catch {
    args = undefined;
  }
  const isObject = typeof args === "object" && args !== null && !Array.isArray(args);
  if (isObject) return call;
  return { ...call, function: { ...call.function, arguments: "{}" } };
}

/** Waits for `promise`, or rejects with the signal's reason as soon as it is aborted. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    // Handled first, so an abandoned promise that rejects later is never an unhandled rejection.
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
