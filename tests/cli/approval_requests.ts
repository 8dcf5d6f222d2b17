/**
 * Approval requests for the CLI's tests, as the agent builds them: the verdict from the real
 * policy (the real shell parser and rules), the "always" rules the policy names, a file
 * write's diff as the file tools make it.
 *
 * @module
 */

import type { ApprovalRequest } from "../../lib/agent/approval.ts";
import { fileDiff } from "../../lib/agent/tools/file_diff.ts";
import { alwaysRules, type ApprovalPolicy, checkToolCall, ruleSet } from "../../lib/policy/mod.ts";

/** The user's config file, as messages name it. */
export const CONFIG = "~/.config/pygent/config.toml";

/** Approval "auto" on the host, with an allow rule for `git status` and a deny rule for `git push`. */
export const HOST_AUTO: ApprovalPolicy = {
  mode: "auto",
  where: "host",
  rules: ruleSet({ allow: ["git status"], deny: ["git push"] }, CONFIG),
};

/** What the agent asks about `cmd` under `policy`. */
export async function commandRequest(
  cmd: string,
  policy: ApprovalPolicy = HOST_AUTO,
): Promise<ApprovalRequest> {
  const args = { cmd };
  const verdict = await checkToolCall(policy, "bash", args);
  const rules = alwaysRules(verdict);
  return {
    id: "call_1",
    name: "bash",
    arguments: JSON.stringify(args),
    command: cmd,
    verdict,
    alwaysRules: rules,
    ...(rules.length > 0
      ? { always: `commands starting with ${rules.map((r) => JSON.stringify(r)).join(", ")}` }
      : {}),
  };
}

/** What the agent asks about writing `after` to `path` (over `before`, or a new file). */
export async function writeRequest(
  path: string,
  before: string | undefined,
  after: string,
  policy: ApprovalPolicy = HOST_AUTO,
): Promise<ApprovalRequest> {
  const args = { path, content: after };
  return {
    id: "call_1",
    name: "write_file",
    arguments: JSON.stringify(args),
    path,
    diff: fileDiff(path, before, after),
    verdict: await checkToolCall(policy, "write_file", args),
    always: "every file write",
    alwaysRules: [],
  };
}
