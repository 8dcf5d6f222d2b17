/**
 * `pygent policy check -- COMMAND`: the approval policy's decision for a
 * command line, part by part, with the rule or reason behind each. Runs
 * nothing: a way to try rules before trusting them.
 *
 * @module
 */

import { loadSettings } from "../config/mod.ts";
import { ConfigError } from "../errors.ts";
import { type ApprovalPolicy, checkCommand, type Verdict } from "../policy/mod.ts";
import { ruleSetOf } from "./agent_options.ts";
import { parsePolicyArgs } from "./args.ts";
import type { CommandIo } from "./command_io.ts";
import { USAGE_EXIT_CODE, UsageError } from "./errors.ts";
import { reveal, safeJson } from "./sanitize.ts";

/** What `pygent policy check --json` prints. */
export interface PolicyCheckJson {
  decision: Verdict["decision"];
  reason: string;
  parts: { command: string; decision: Verdict["decision"]; rule?: string; reason: string }[];
}

/**
 * Runs `pygent policy` with the arguments after `policy`; resolves to the exit code (0, or 2
 * for a bad flag, variable or config file).
 *
 * @example
 * ```ts
 * import { runPolicyCommand } from "./policy_command.ts";
 * await runPolicyCommand(["check", "--host", "--", "git status && rm -rf build"], {
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * });
 * ```
 */
export async function runPolicyCommand(argv: string[], io: CommandIo): Promise<number> {
  try {
    const parsed = parsePolicyArgs(argv, io);
    if (parsed.kind === "print") {
      io.out(parsed.text);
      return 0;
    }
    const { flags, workspace, command, host, json } = parsed.args;
    const { settings, notices } = await loadSettings({
      flags,
      getEnv: io.getEnv,
      cwd: io.cwd,
      workspace,
      os: io.os,
    });
    for (const notice of notices) io.err(`pygent: ${reveal(notice)}\n`);
    const policy: ApprovalPolicy = {
      mode: settings.approval.value,
      where: host || settings.sandbox.value === "host" ? "host" : "container",
      rules: ruleSetOf(settings),
    };
    const verdict = await checkCommand(policy, command);
    io.out(
      json
        ? `${safeJson(verdictJson(verdict))}\n`
        : verdictText(verdict, policy, !host && settings.sandbox.value === "auto"),
    );
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    io.err(`pygent: ${reveal(error.message)}\n`);
    return USAGE_EXIT_CODE;
  }
}

/**
 * A verdict as `--json` prints it.
 *
 * @example
 * ```ts
 * import { verdictJson } from "./policy_command.ts";
 * const json = verdictJson({ decision: "allow", reason: "ok", parts: [], by: "mode" });
 * console.log(json); // { decision: "allow", reason: "ok", parts: [] }
 * ```
 */
export function verdictJson(verdict: Verdict): PolicyCheckJson {
  return {
    decision: verdict.decision,
    reason: verdict.reason,
    parts: verdict.parts.map((part) => ({
      command: part.command,
      decision: part.decision,
      ...(part.rule !== undefined ? { rule: part.rule } : {}),
      reason: part.reason,
    })),
  };
}

/**
 * A verdict for people: the decision and its reason, then one row per part.
 * @param guessed True when a run could fall back to the host (`sandbox = "auto"`, no `--host`).
 */
function verdictText(verdict: Verdict, policy: ApprovalPolicy, guessed: boolean): string {
  const where = policy.where === "host"
    ? "on the host"
    : guessed
    ? "in a container; a run without an engine falls back to the host: --host judges that"
    : "in a container";
  const head = `${verdict.decision}: ${reveal(verdict.reason)}\n` +
    `  (approval ${JSON.stringify(policy.mode)}, ${where})\n`;
  const width = Math.max(0, ...verdict.parts.map((part) => reveal(part.command).length));
  const rows = verdict.parts.map((part) =>
    `  ${part.decision.padEnd(5)}  ${reveal(part.command).padEnd(width)}  ${reveal(part.reason)}\n`
  );
  return head + rows.join("");
}
