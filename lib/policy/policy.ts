/**
 * The approval policy as data: the approval mode, where commands run, and the rules. One value,
 * decided once at the edge (config file, flags) and passed down unchanged.
 *
 * @module
 */

import { parseRule, type RuleSet } from "./rules.ts";

/** What happens to a command or a file write: run it, ask the user first, or refuse it. */
export type Decision = "allow" | "ask" | "deny";

/**
 * When to ask before running something:
 * - `"auto"` (the default): in a container, run everything that no `ask` or `deny` rule
 *   matches; on the host, ask before every command and file write that no `allow` rule matches.
 * - `"ask"`: ask before every command and file write that no `allow` rule matches.
 * - `"never"`: never ask (what would ask runs); `deny` rules still refuse.
 */
export type ApprovalMode = "auto" | "ask" | "never";

/** The approval modes, in the order a help text lists them. */
export const APPROVAL_MODES: readonly ApprovalMode[] = ["auto", "ask", "never"];

/**
 * Whether a value is an approval mode (for validating a flag or a config value).
 *
 * @example
 * ```ts
 * import { isApprovalMode } from "./policy.ts";
 * console.log(isApprovalMode("ask"), isApprovalMode("sometimes")); // true false
 * ```
 */
export function isApprovalMode(value: unknown): value is ApprovalMode {
  return (APPROVAL_MODES as readonly unknown[]).includes(value);
}

/** Everything that decides whether a tool call runs, asks or is refused. */
export interface ApprovalPolicy {
  /** When to ask; see {@linkcode ApprovalMode}. */
  readonly mode: ApprovalMode;
  /** Where commands run: decides what "auto" means. */
  readonly where: "container" | "host";
  /** The allow, ask and deny rules, from the config files and this session. */
  readonly rules: RuleSet;
  /**
   * Granted for a session ("always" on a file write): writes of the file tools (`write_file`,
   * `edit_file`) need no approval. A command's redirections (`>> ~/.bashrc`) still do.
   */
  readonly allowWrites?: boolean;
}

/**
 * A copy of a policy with allow rules added for this session (their `file` is `"session"`),
 * as when the user answers "always".
 *
 * @example
 * ```ts
 * import { ruleSet, withAllowRules } from "./mod.ts";
 * const policy = { mode: "ask", where: "host", rules: ruleSet({}) } as const;
 * const next = withAllowRules(policy, ["git status"]);
 * console.log(next.rules.allow.map((r) => `${r.pattern} (${r.file})`)); // ["git status (session)"]
 * ```
 */
export function withAllowRules(policy: ApprovalPolicy, patterns: string[]): ApprovalPolicy {
  const known = new Set(policy.rules.allow.map((rule) => rule.words.join(" ")));
  const added = patterns.map((pattern) => parseRule(pattern, "session"))
    .filter((rule) => {
      const key = rule.words.join(" ");
      if (known.has(key)) return false;
      known.add(key);
      return true;
    });
  return { ...policy, rules: { ...policy.rules, allow: [...policy.rules.allow, ...added] } };
}
