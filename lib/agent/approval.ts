/**
 * Approvals: before a tool call runs, the session's approval policy decides
 * `allow`, `ask` or `deny`; an `ask` goes to whoever can answer (the user at a
 * terminal, a library's callback) or, with no one to ask, is refused. What the
 * model gets back when a call does not run says why and what to do.
 *
 * @module
 */

import {
  alwaysRules,
  type ApprovalMode,
  type ApprovalPolicy,
  checkToolCall,
  loadShellParser,
  type RuleSet,
  type Verdict,
  withAllowRules,
} from "../policy/mod.ts";
import type { Runtime } from "../runtime/mod.ts";
import type { AgentEvent } from "./events.ts";
import type { ToolCall } from "./history.ts";
import type { ReadyCall } from "./tools/registry.ts";
import type { ToolContext, ToolOutput } from "./tools/tool.ts";

/** The approval settings of an agent: everything is optional. */
export interface ApprovalSettings {
  /**
   * `"auto"` (default): in a container, run everything no `ask` or `deny` rule matches; on the
   * host, ask before every command and file write no `allow` rule matches. `"ask"`: ask before
   * every command and file write no rule allows. `"never"`: never ask (`deny` rules still apply).
   */
  mode?: ApprovalMode;
  /** Command prefixes to allow, ask about, or deny. Default: none. */
  rules?: RuleSet;
}

/** A tool call that needs the user's approval, as the approver sees it. */
export interface ApprovalRequest {
  /** The call's id. */
  id: string;
  /** The tool's name. */
  name: string;
  /** The arguments, as the model sent them. */
  arguments: string;
  /** The command line that would run (for `bash`). */
  command?: string;
  /** The file that would be written (for the file tools). */
  path?: string;
  /** For a file write: the change as a unified diff, or why it cannot be shown. */
  diff?: string;
  /** The policy's verdict: why it asks, part by part. */
  verdict: Verdict;
  /**
   * What answering `"always"` allows for the rest of the session, in words (`commands starting
   * with "git push"`, `every file write`); undefined when no rule can name what asked (a command
   * substitution, `eval`…): then only this call can be allowed.
   */
  always?: string;
  /** The allow rules `"always"` adds for the session (none for a file write). */
  alwaysRules: string[];
}

/**
 * An approver's answer: run it (`"allow"`), run it and everything like it for the rest of the
 * session (`"always"`), or do not (`"deny"`, or `{ deny: reason }` with a reason for the model).
 */
export type ApprovalAnswer = "allow" | "always" | "deny" | { deny: string };

/** Asks whoever can answer whether a call may run. Aborting `signal` cancels the question. */
export type Approver = (request: ApprovalRequest, signal?: AbortSignal) => Promise<ApprovalAnswer>;

/**
 * The approvals of one agent: the policy (with the rules added by "always" answers) and the
 * approver.
 *
 * @example
 * ```ts ignore
 * const gate = new ApprovalGate({ mode: "ask" }, undefined, (event) => console.log(event));
 * const refusal = await gate.check(call, ready, context);
 * if (refusal) console.log(refusal.content); // "Not run: this needs approval (approval mode "ask")…"
 * ```
 */
export class ApprovalGate {
  readonly #settings: Required<ApprovalSettings>;
  readonly #approve: Approver | undefined;
  readonly #emit: (event: AgentEvent) => void;
  /** Granted by "always" answers, for the rest of the session. */
  #granted: { rules: string[]; writes: boolean } = { rules: [], writes: false };

  /**
   * Makes the gate.
   * @param approve Asks the user; without it, a call that needs approval is refused.
   * @param emit Receives an `approval` event for every call that was not plainly allowed.
   */
  constructor(
    settings: ApprovalSettings,
    approve: Approver | undefined,
    emit: (event: AgentEvent) => void,
  ) {
    this.#settings = {
      mode: settings.mode ?? "auto",
      rules: settings.rules ?? { allow: [], ask: [], deny: [] },
    };
    this.#approve = approve;
    this.#emit = emit;
  }

  /**
   * Loads the shell parser in the background, so the first command is judged without waiting
   * for it: called as a step starts, while the model is asked.
   */
  warm(): void {
    loadShellParser().catch(() => {});
  }

  /** The policy for a runtime, with what "always" answers granted. */
  policy(runtime: Runtime): ApprovalPolicy {
    const policy: ApprovalPolicy = {
      mode: this.#settings.mode,
      where: runtime.kind === "docker" ? "container" : "host",
      rules: this.#settings.rules,
      allowWrites: this.#granted.writes,
    };
    return this.#granted.rules.length > 0 ? withAllowRules(policy, this.#granted.rules) : policy;
  }

  /**
   * Decides whether a prepared call may run, asking when the policy says so. Resolves to
   * undefined when it may, or to the result the model gets instead.
   */
  async check(
    call: ToolCall,
    ready: ReadyCall,
    context: ToolContext,
  ): Promise<ToolOutput | undefined> {
    const policy = this.policy(context.runtime);
    const verdict = await checkToolCall(policy, ready.tool.name, ready.args);
    const report = (decision: "allow" | "deny", by: "rule" | "mode" | "user") =>
      this.#emit({
        type: "approval",
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
        decision,
        by,
        ...(verdict.rule ? { rule: verdict.rule.pattern } : {}),
        reason: verdict.reason,
      });
    if (verdict.decision === "allow") {
      if (verdict.by === "rule") report("allow", "rule");
      return undefined;
    }
    if (verdict.decision === "deny") {
      report("deny", verdict.by);
      const where = verdict.rule?.file ? ` in ${verdict.rule.file}` : "";
      return notRun(
        verdict.rule
          ? `denied by rule ${JSON.stringify(verdict.rule.pattern)}${where}.`
          : `denied: ${verdict.reason}.`,
      );
    }
    if (!this.#approve) {
      report("deny", "mode");
      const instead = ruleCouldAllow(verdict)
        ? "Ask the user to run it, or add an allow rule."
        : "Ask the user to run it (no allow rule can let it run unasked).";
      return notRun(
        `this needs approval (${this.#why(policy)}). ${instead} Why: ${verdict.reason}.`,
      );
    }
    const request = await this.#request(call, ready, verdict, context);
    const answer = await this.#approve(request, context.signal);
    if (answer === "allow" || answer === "always") {
      if (answer === "always") this.#grant(request);
      report("allow", "user");
      return undefined;
    }
    report("deny", "user");
    const reason = typeof answer === "object" ? answer.deny.trim() : "";
    return notRun(
      reason
        ? `the user declined. Their reason: ${reason}`
        : "the user declined. Ask them what they want instead, or take another way.",
    );
  }

  /** The approval mode, and where commands run, for the model. */
  #why(policy: ApprovalPolicy): string {
    const on = policy.where === "host" ? " on the host" : " in a container";
    return `approval mode ${JSON.stringify(policy.mode)}${on}`;
  }

  async #request(
    call: ToolCall,
    ready: ReadyCall,
    verdict: Verdict,
    context: ToolContext,
  ): Promise<ApprovalRequest> {
    const { args, tool } = ready;
    const base = {
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      verdict,
    };
    if (typeof args.cmd === "string") {
      const rules = alwaysRules(verdict);
      return {
        ...base,
        command: args.cmd,
        alwaysRules: rules,
        ...(rules.length > 0
          ? { always: `commands starting with ${rules.map((r) => JSON.stringify(r)).join(", ")}` }
          : {}),
      };
    }
    const path = typeof args.path === "string" ? args.path : undefined;
    const diff = tool.preview
      ? await tool.preview(args as never, context).catch((error: unknown) =>
        `(the change cannot be shown: ${error instanceof Error ? error.message : String(error)})`
      )
      : undefined;
    return {
      ...base,
      ...(path !== undefined ? { path } : {}),
      ...(diff !== undefined ? { diff } : {}),
      always: "every file write",
      alwaysRules: [],
    };
  }

  #grant(request: ApprovalRequest): void {
    if (request.command === undefined) this.#granted.writes = true;
    else this.#granted.rules.push(...request.alwaysRules);
  }
}

/**
 * Whether an allow rule could let this call run unasked: each part that asks is a command a
 * rule can name, or the write of a file tool (`allow = ["write_file"]`).
 */
function ruleCouldAllow(verdict: Verdict): boolean {
  return verdict.parts.filter((part) => part.decision === "ask").every((part) =>
    part.alwaysRule !== undefined ||
    (part.kind === "write" && /^(write_file|edit_file)\b/.test(part.command))
  );
}

function notRun(why: string): ToolOutput {
  return { content: `Not run: ${why}`, isError: true };
}
