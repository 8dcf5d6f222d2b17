/**
 * What the policy decided about a tool call, and why: one decision for the call, and one for
 * each part of it (each command of a command line, each file it writes...).
 *
 * @module
 */

import type { Decision } from "./policy.ts";
import type { Rule } from "./rules.ts";

/** The decision about one part of a tool call. */
export interface PartVerdict {
  /** The part as written: `git push origin main`, `>out.txt`, `$(whoami)`, `write_file a.txt`. */
  command: string;
  decision: Decision;
  /** The pattern of the rule that decided, when one did. */
  rule?: string;
  /** One sentence a user reads. */
  reason: string;
  /**
   * What the part is: a command, a file write, a construct that runs commands no rule sees
   * (`hidden`), an assignment to a variable such as `PATH` (`setting`), text the parser could
   * not read (`error`), or a tool call that is not a command (`tool`).
   */
  kind: "command" | "write" | "hidden" | "setting" | "error" | "tool";
  /**
   * The allow rule that an "always" answer adds for this part (see `alwaysRules`); absent when
   * no allow rule would let this part run without asking.
   */
  alwaysRule?: string;
}

/** The decision about a whole tool call: the strictest of its parts' (deny > ask > allow). */
export interface Verdict {
  decision: Decision;
  /** One sentence a user reads: which rule or which reason decided. */
  reason: string;
  parts: PartVerdict[];
  /** The rule that decided, when one did (for messages: `denied by rule "git push" in FILE`). */
  rule?: Rule;
  /** "rule" when a rule decided, "mode" when the approval mode did. */
  by: "rule" | "mode";
}

/** A part's verdict with the rule object that decided it. */
export interface Judgement {
  part: PartVerdict;
  rule?: Rule;
  /**
   * How much the part's reason tells, to choose the verdict's reason among parts with the same
   * decision: a rule (5), a parse error (4), something no rule sees (3), a setting (2), a file
   * write (1), the mode's default for a command (0).
   */
  weight?: number;
}

const RANK: Record<Decision, number> = { allow: 0, ask: 1, deny: 2 };

/**
 * The verdict of a whole call from its parts' judgements: the strictest decision wins, and of
 * the parts that have it, the first whose reason tells the most gives the reason (a rule, a
 * parse error, a substitution... before the mode's default). When every part is allowed, a part
 * the mode allowed gives the reason; when rules allowed them all, the rules are named.
 *
 * @example
 * ```ts
 * import { combine } from "./verdict.ts";
 * const v = combine([
 *   { part: { command: "ls", decision: "allow", reason: "allowed", kind: "command" } },
 *   { part: { command: ">x", decision: "ask", reason: "writes a file (>x)", kind: "write" } },
 * ]);
 * console.log(v.decision, v.reason); // "ask" "writes a file (>x)"
 * ```
 */
export function combine(judgements: Judgement[]): Verdict {
  const parts = judgements.map((judgement) => judgement.part);
  if (judgements.length === 0) {
    return { decision: "allow", reason: "the command line runs nothing", parts, by: "mode" };
  }
  const worst = Math.max(...parts.map((part) => RANK[part.decision]));
  const deciding = judgements.filter((judgement) => RANK[judgement.part.decision] === worst);
  const byMode = deciding.filter((judgement) => judgement.rule === undefined);
  const candidates = worst === RANK.allow && byMode.length > 0 ? byMode : deciding;
  const first = candidates.reduce((best, j) => ((j.weight ?? 0) > (best.weight ?? 0) ? j : best));
  const { decision } = first.part;
  let { reason } = first.part;
  const patterns = [...new Set(deciding.map((j) => j.part.rule))];
  if (decision === "allow" && first.rule !== undefined && patterns.length > 1) {
    reason = `allowed by rules ${patterns.map((p) => JSON.stringify(p)).join(", ")}`;
  }
  return first.rule !== undefined
    ? { decision, reason, parts, rule: first.rule, by: "rule" }
    : { decision, reason, parts, by: "mode" };
}
