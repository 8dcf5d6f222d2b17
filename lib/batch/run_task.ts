/**
 * One attempt at one task on one engine: its own copy of the files, its own Agent and
 * container, one step with the approval mode `never`, then its diff and its result.
 *
 * @module
 */

import path from "node:path";
import { Agent, type AgentOptions, type Usage } from "../agent/mod.ts";
import { DockerConnectionError, DockerUnavailableError } from "../docker/mod.ts";
import { DEFAULT_IMAGE } from "../runtime/mod.ts";
import { newSessionId, SessionWriter } from "../sessions/mod.ts";
import { VERSION } from "../version.ts";
import { TaskTimeoutError } from "./errors.ts";
import type { PoolEngine } from "./engines.ts";
import type { TaskResult } from "./results_file.ts";
import { TaskWorkspace } from "./task_workspace.ts";
import type { BatchTask } from "./tasks_file.ts";

/** What every task of a batch shares. */
export interface TaskContext {
  /**
   * The agent's options every task starts from (model, limits, rules, sandbox policy, image);
   * each task sets its workspace, engine, approval mode `never` and its own limits.
   */
  agentOptions: AgentOptions;
  /** Where each task's diff file goes (`ID.diff`). */
  diffsDir: string;
  /** The sessions folder the conversations are kept in; undefined: none is kept. */
  sessionsDir: string | undefined;
  /** Aborted: the running tasks are cancelled. */
  signal: AbortSignal;
  /** Notices (a container that could not be removed, the agent's own), each naming its task. */
  notice: (message: string) => void;
}

/** How one attempt ended. */
export type Attempt =
  | { kind: "ended"; result: TaskResult }
  /** Its engine stopped answering: the task may be retried elsewhere. */
  | { kind: "engine_lost"; reason: string; result: TaskResult }
  /** The batch was cancelled: no result, the task runs again next time. */
  | { kind: "cancelled" };

/**
 * Runs `task` once on `engine`; never throws for the task's own failures (they are its result).
 */
export async function runTask(
  task: BatchTask,
  engine: PoolEngine,
  context: TaskContext,
): Promise<Attempt> {
  const started = performance.now();
  const usage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  let steps = 0;
  const base = context.agentOptions;
  const image = task.image ?? base.runtimeOptions?.image;
  const writer = context.sessionsDir === undefined ? undefined : new SessionWriter({
    dir: context.sessionsDir,
    info: {
      pygent: VERSION,
      model: base.modelName ?? "",
      workspace: null,
      sandbox: { kind: "docker", image: image ?? DEFAULT_IMAGE },
    },
  });
  const sessionId = writer?.id ?? newSessionId();
  const result = (outcome: TaskResult["outcome"], extra: Partial<TaskResult> = {}): TaskResult => ({
    id: task.id,
    outcome,
    engine: engine.name,
    steps,
    durationMs: Math.round(performance.now() - started),
    usage,
    ...extra,
    session: sessionId,
  });
  const timeout = new AbortController();
  const timer = task.timeout === undefined
    ? undefined
    : setTimeout(() => timeout.abort(new TaskTimeoutError(task.timeout!)), task.timeout * 1000);
  const signal = AbortSignal.any([context.signal, timeout.signal]);
  let files: TaskWorkspace | undefined;
  let agent: Agent | undefined;
  let attempt: Attempt;
  try {
    files = await TaskWorkspace.prepare(task);
    agent = new Agent({
      ...base,
      ...(task.maxSteps !== undefined ? { maxSteps: task.maxSteps } : {}),
      approval: { mode: "never", rules: base.approval?.rules },
      runtimeOptions: {
        ...base.runtimeOptions,
        docker: true,
        endpoint: engine.endpoint,
        workspace: files.path,
        ...(image !== undefined ? { image } : {}),
      },
      onEvent: (event) => {
        if (event.type === "request") steps++;
        // Files over the copy limit or refused, a sync that failed: the user must hear of them.
        if (event.type === "notice") context.notice(`Task ${task.id}: ${event.message}`);
        if (event.type === "usage") {
          usage.promptTokens += event.promptTokens;
          usage.completionTokens += event.completionTokens;
          usage.totalTokens += event.totalTokens;
        }
      },
    });
    const end = await agent.step(task.prompt, { signal });
    // The step turns a failed sync of its changes into a notice; here it fails the attempt, so
    // a task is never written as done with its changes left in the sandbox (an engine lost now
    // is retried like any other).
    await agent.runtime.sync();
    attempt = {
      kind: "ended",
      result: result(end.stopReason === "max_steps" ? "step_limit" : "done"),
    };
  } catch (error) {
    const lost = engineFailure(error);
    attempt = context.signal.aborted
      ? { kind: "cancelled" }
      : timeout.signal.aborted
      ? { kind: "ended", result: result("timeout", { error: messageOf(timeout.signal.reason) }) }
      : lost
      ? { kind: "engine_lost", reason: lost, result: result("failed", { error: lost }) }
      : { kind: "ended", result: result("failed", { error: messageOf(error) }) };
  } finally {
    clearTimeout(timer);
  }
  try {
    writer?.append(agent?.history ?? []);
  } catch (error) {
    // The task's work stands without its conversation.
    context.notice(`Task ${task.id}: its session was not kept: ${messageOf(error)}`);
  } finally {
    writer?.close();
  }
  try {
    await agent?.[Symbol.asyncDispose]().catch((error) => {
      if (attempt.kind !== "engine_lost") {
        context.notice(`Task ${task.id}: its container was not removed: ${messageOf(error)}`);
      }
    });
    if (files && attempt.kind !== "cancelled") {
      const diff = await writeDiff(task.id, await files.diff(), context.diffsDir);
      if (diff !== undefined) attempt.result.diff = diff;
    }
  } catch (error) {
    if (attempt.kind !== "cancelled") {
      attempt = { kind: "ended", result: result("failed", { error: messageOf(error) }) };
    }
  } finally {
    await files?.dispose();
  }
  return attempt;
}

/** Writes a task's diff as `DIR/ID.diff` and returns its path; none (and no file) when empty. */
async function writeDiff(id: string, diff: string, dir: string): Promise<string | undefined> {
  const file = path.resolve(dir, `${id}.diff`);
  if (diff === "") {
    // A diff of an earlier, cancelled attempt is not this one's.
    await Deno.remove(file).catch(() => {});
    return undefined;
  }
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(file, diff);
  return file;
}

/**
 * Why an engine stopped answering, when that is what `error` (or an error it wraps) says: the
 * connection broke, or the engine could not be reached at all.
 */
function engineFailure(error: unknown): string | undefined {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    // What was tried, not the whole message: its advice (start Docker, --no-docker) is a
    // session's, and batch never runs on the host.
    if (cause instanceof DockerUnavailableError) return cause.attempts.join("; ");
    if (cause instanceof DockerConnectionError) return cause.message;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
