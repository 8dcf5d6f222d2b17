/**
 * The decision: whether a command line, or a tool call, runs, asks first, or is refused, under
 * an {@linkcode ApprovalPolicy}.
 *
 * @module
 */

import { ruleForCommand } from "./always_rules.ts";
import { analyzeCommandLine, type CommandPart, type Part } from "./command_line.ts";
import { allowRuleMatches, strictRuleMatches } from "./match.ts";
import type { ApprovalPolicy, Decision } from "./policy.ts";
import { describeRule, type Rule } from "./rules.ts";
import { loadBashParser } from "./shell_parser.ts";
import { combine, type Judgement, type PartVerdict, type Verdict } from "./verdict.ts";

/**
 * Judges a command line: each simple command in it, each file it writes, each construct that
 * runs commands no rule sees; the strictest decision wins (`deny` > `ask` > `allow`).
 *
 * The shell parser loads on the first call (some tens of milliseconds) and is shared.
 *
 * @example
 * ```ts
 * import { checkCommand, ruleSet } from "./mod.ts";
 * const policy = {
 *   mode: "auto",
 *   where: "container",
 *   rules: ruleSet({ deny: ["git push"] }, "config.toml"),
 * } as const;
 * const verdict = await checkCommand(policy, "git add -A && git commit -m wip && git push");
 * console.log(verdict.decision, verdict.reason); // "deny" 'denied by rule "git push" in config.toml'
 * ```
 */
export async function checkCommand(policy: ApprovalPolicy, commandLine: string): Promise<Verdict> {
  let parts: Part[];
  try {
    parts = analyzeCommandLine(await loadBashParser(), commandLine);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    parts = [{ kind: "error", text: commandLine.trim(), reason }];
  }
  return combine(parts.map((part) => _judge(policy, part)));
}

/**
 * Judges a call of one of the agent's tools: `bash` as a command line, `write_file` and
 * `edit_file` as file writes; `read_file`, and any tool a library user registers (their own
 * code, not a shell command), run without asking.
 *
 * @example
 * ```ts
 * import { checkToolCall, ruleSet } from "./mod.ts";
 * const policy = { mode: "auto", where: "host", rules: ruleSet({}) } as const;
 * const verdict = await checkToolCall(policy, "write_file", { path: "notes.txt", content: "" });
 * console.log(verdict.decision, verdict.parts[0].command); // "ask" "write_file notes.txt"
 * ```
 */
export async function checkToolCall(
  policy: ApprovalPolicy,
  name: string,
  args: Record<string, unknown>,
): Promise<Verdict> {
  const path = typeof args.path === "string" ? args.path : "";
  switch (name) {
    case "bash":
      if (typeof args.cmd === "string") return await checkCommand(policy, args.cmd);
      return combine([_judge(policy, {
        kind: "error",
        text: "bash",
        reason: 'the bash call has no "cmd" string',
      })]);
    case "write_file":
    case "edit_file":
      return combine([_judgeFileTool(policy, name, path)]);
    case "read_file":
      return combine([_tool(`read_file ${path}`.trim(), "reading a file needs no approval")]);
    default:
      return combine([
        _tool(name, `${name} is a tool of the program, not a shell command: it needs no approval`),
      ]);
  }
}

/**
 * A file tool's write, judged first by the rules that name the tool (`allow = ["write_file"]`,
 * `deny = ["edit_file .env"]`: the tool's name and the path as words), then as any file write.
 */
function _judgeFileTool(policy: ApprovalPolicy, name: string, path: string): Judgement {
  const text = `${name} ${path}`.trim();
  const words = [name, ...path ? [path] : []].map((value) => ({
    value,
    literal: true,
    text: value,
  }));
  const { deny, ask, allow } = policy.rules;
  const denied = deny.find((rule) => allowRuleMatches(rule, words));
  if (denied) return _byRule(text, "deny", `denied by ${describeRule(denied)}`, denied, "write");
  const asked = policy.mode !== "never" && ask.find((rule) => allowRuleMatches(rule, words));
  if (asked) {
    return _byRule(text, "ask", `needs approval by ${describeRule(asked)}`, asked, "write");
  }
  const allowed = allow.find((rule) => allowRuleMatches(rule, words));
  if (allowed) {
    return _byRule(text, "allow", `allowed by ${describeRule(allowed)}`, allowed, "write");
  }
  return _judgeWrite(policy, text, true);
}

function _tool(command: string, reason: string): Judgement {
  return { part: { command, decision: "allow", reason, kind: "tool" } };
}

function _judge(policy: ApprovalPolicy, part: Part): Judgement {
  switch (part.kind) {
    case "command":
      return _judgeCommand(policy, part);
    case "write":
      return _judgeWrite(policy, part.text, false);
    case "hidden":
      return _unjudgeable(policy, part.text, "hidden", part.reason);
    case "setting":
      return {
        ..._mode(policy, part.text, "setting", {
          ask: `sets ${part.variable}, which changes what later commands run`,
          allowed: `sets ${part.variable}`,
        }),
        weight: 2,
      };
    case "error":
      return _unreadable(policy, part.text, part.reason);
  }
}

function _judgeCommand(policy: ApprovalPolicy, part: CommandPart): Judgement {
  const { rules } = policy;
  const seen = [part.words, ...part.wrappers, ...part.guesses];
  const matches = (rule: Rule) => seen.some((words) => strictRuleMatches(rule, words));
  const deny = rules.deny.find(matches);
  if (deny !== undefined) {
    return _byRule(part.text, "deny", `denied by ${describeRule(deny)}`, deny);
  }
  const ask = rules.ask.find(matches);
  if (ask !== undefined) {
    if (policy.mode !== "never") {
      return _byRule(part.text, "ask", `needs approval by ${describeRule(ask)}`, ask);
    }
    const runs = `approval "never" runs it, though ${describeRule(ask)} asks`;
    return _part(part.text, "allow", runs, "command", 4);
  }
  if (part.unjudgeable !== undefined) {
    return _unjudgeable(policy, part.text, "command", part.unjudgeable);
  }
  const allowed = [...part.allowPrefix, ...part.words];
  const allow = rules.allow.find((rule) => allowRuleMatches(rule, allowed));
  const alwaysRule = part.unsafeVariables.length === 0 && part.guesses.length === 0
    ? ruleForCommand(part.allowPrefix, part.words)
    : undefined;
  if (allow !== undefined && part.unsafeVariables.length === 0) {
    const judged = _byRule(part.text, "allow", `allowed by ${describeRule(allow)}`, allow);
    return alwaysRule === undefined ? judged : { ...judged, part: { ...judged.part, alwaysRule } };
  }
  const unsafe = allow === undefined ? "" : `${describeRule(allow)} does not apply while the ` +
    `command sets ${part.unsafeVariables.join(", ")}, which changes what runs; `;
  const judged = _mode(policy, part.text, "command", {
    ask: unsafe +
      (policy.mode === "auto"
        ? 'on the host, every command needs approval unless an allow rule matches (approval "auto")'
        : 'every command needs approval unless an allow rule matches (approval "ask")'),
    allowed: policy.mode === "never"
      ? 'approval "never" runs every command that no deny rule stops'
      : 'in a container, commands run without approval (approval "auto")',
  });
  const weighted = unsafe === "" ? judged : { ...judged, weight: 2 };
  return alwaysRule === undefined
    ? weighted
    : { ...weighted, part: { ...weighted.part, alwaysRule } };
}

/**
 * A file write: of a file tool (`write_file`), or of a command line (`> out.txt`, `sort -o`).
 * `allowWrites` (an "always" answer to a file tool) lets only the file tools write unasked: a
 * redirection can write anywhere (`>> ~/.bashrc`), and the file tools stay in the workspace.
 */
function _judgeWrite(policy: ApprovalPolicy, text: string, fileTool: boolean): Judgement {
  const writes = `writes a file (${text})`;
  if (policy.allowWrites && fileTool) {
    return _part(text, "allow", `${writes}; file writes are allowed for this session`, "write", 1);
  }
  const judged = _mode(policy, text, "write", {
    ask: policy.mode === "auto"
      ? `${writes}; on the host, file writes need approval (approval "auto")`
      : `${writes}; file writes need approval (approval "ask")`,
    allowed: policy.mode === "never"
      ? `${writes}; approval "never" allows it`
      : `${writes} in the container, which needs no approval (approval "auto")`,
  });
  return { ...judged, weight: 1 };
}

/**
 * Something whose commands no rule sees. At least `ask`, except: under "never" it runs; and
 * under "auto" in a container it runs when no ask or deny rule is set, since then it could hide
 * nothing that needs approval and the container is the boundary.
 */
function _unjudgeable(
  policy: ApprovalPolicy,
  text: string,
  kind: PartVerdict["kind"],
  reason: string,
): Judgement {
  const hidden = (decision: Decision, sentence: string) => _part(text, decision, sentence, kind, 3);
  if (policy.mode === "never") return hidden("allow", `${reason}; approval "never" runs it anyway`);
  if (policy.mode === "auto" && policy.where === "container") {
    if (policy.rules.ask.length === 0 && policy.rules.deny.length === 0) {
      return hidden(
        "allow",
        `${reason}; it runs, since no ask or deny rule is set and in a container commands run ` +
          'without approval (approval "auto")',
      );
    }
    return hidden("ask", `${reason}; it could hide a command that an ask or deny rule names`);
  }
  return hidden("ask", reason);
}

/**
 * Text the parser could not read (or a line too long or too slow to read): `ask`. Under
 * "never", `deny` when there are deny rules, since they cannot be checked in it; else `allow`.
 */
function _unreadable(policy: ApprovalPolicy, text: string, reason: string): Judgement {
  const unreadable = `the command line could not be parsed: ${reason}`;
  if (policy.mode !== "never") return _part(text, "ask", unreadable, "error", 4);
  return policy.rules.deny.length > 0
    ? _part(
      text,
      "deny",
      `${unreadable}; it could not be read, so the deny rules cannot be checked`,
      "error",
      4,
    )
    : _part(text, "allow", `${unreadable}; approval "never" runs it anyway`, "error", 4);
}

/** What the mode decides when no rule did: runs in a container under "auto" and under "never". */
function _mode(
  policy: ApprovalPolicy,
  text: string,
  kind: PartVerdict["kind"],
  reasons: { ask: string; allowed: string },
): Judgement {
  const runs = policy.mode === "never" || (policy.mode === "auto" && policy.where === "container");
  return runs ? _part(text, "allow", reasons.allowed, kind) : _part(text, "ask", reasons.ask, kind);
}

function _part(
  command: string,
  decision: Decision,
  reason: string,
  kind: PartVerdict["kind"] = "command",
  weight = 0,
): Judgement {
  return { part: { command, decision, reason, kind }, weight };
}

function _byRule(
  command: string,
  decision: Decision,
  reason: string,
  rule: Rule,
  kind: PartVerdict["kind"] = "command",
): Judgement {
  return {
    part: { command, decision, rule: rule.pattern, reason, kind },
    rule,
    weight: 5,
  };
}
