/**
 * The approval policy: whether a tool call the model makes runs, asks the user first, or is
 * refused. Pure data and functions: the approval mode, the allow/ask/deny rules, and a shell
 * parser (tree-sitter's bash grammar) that splits a command line into the simple commands,
 * file writes and hidden constructs that are judged.
 *
 * @example
 * ```ts
 * import { alwaysRules, type ApprovalPolicy, checkToolCall, ruleSet, withAllowRules } from "./mod.ts";
 * let policy: ApprovalPolicy = {
 *   mode: "auto",
 *   where: "host",
 *   rules: ruleSet({ allow: ["git status"], deny: ["git push"] }, "config.toml"),
 * };
 * const verdict = await checkToolCall(policy, "bash", { cmd: "git status && npm test" });
 * console.log(verdict.decision); // "ask" (npm test: on the host, every command asks)
 * policy = withAllowRules(policy, alwaysRules(verdict)); // the user answered "always"
 * ```
 *
 * @module
 */

export { alwaysRules } from "./always_rules.ts";
export { checkCommand, checkToolCall } from "./check.ts";
export { PolicyError, RuleError } from "./errors.ts";
export {
  APPROVAL_MODES,
  type ApprovalMode,
  type ApprovalPolicy,
  type Decision,
  isApprovalMode,
  withAllowRules,
} from "./policy.ts";
export { parseRule, type Rule, type RuleSet, ruleSet } from "./rules.ts";
export { loadShellParser } from "./shell_parser.ts";
export type { PartVerdict, Verdict } from "./verdict.ts";
