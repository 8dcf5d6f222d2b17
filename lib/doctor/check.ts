/**
 * What one check of `pygent doctor` reports: its id, a status, a one-line summary, what to do
 * when it is not ok, and how long it took. Checks return these as data; the command renders them.
 *
 * @module
 */

/** The checks, in the order they are reported. */
export const CHECK_IDS = [
  "config",
  "engine",
  "permission",
  "image",
  "sandbox",
  "model",
  "workspace",
  "worktree",
] as const;

/** The id of one check. */
export type CheckId = typeof CHECK_IDS[number];

/** `ok`: ready; `warn`: a session works, but something is worth knowing; `fail`: it will not. */
export type CheckStatus = "ok" | "warn" | "fail";

/** What a check found, before it is timed. */
export interface CheckOutcome {
  status: CheckStatus;
  /** One line: what was found. */
  summary: string;
  /** One line: what to do, for a check that is not ok. */
  remediation?: string;
}

/**
 * One check's result, as `pygent doctor --json` prints it.
 *
 * @example
 * ```ts
 * import type { CheckResult } from "./check.ts";
 * const row: CheckResult = {
 *   id: "engine",
 *   status: "ok",
 *   summary: "Docker 27.3.1 (API 1.47) at unix:///var/run/docker.sock",
 *   durationMs: 12,
 * };
 * ```
 */
export interface CheckResult extends CheckOutcome {
  id: CheckId;
  /** How long the check took, in whole milliseconds. */
  durationMs: number;
}

/** What `pygent doctor` found: Pygent's version and one result per check, in order. */
export interface DoctorReport {
  version: string;
  checks: CheckResult[];
}

/**
 * A `warn` outcome for a check that could not run because of what an earlier one found.
 *
 * @example
 * ```ts
 * import { notChecked } from "./check.ts";
 * console.log(notChecked("no Docker engine answered").summary);
 * // "not checked: no Docker engine answered"
 * ```
 */
export function notChecked(
  why: string,
  remediation = "Fix what the checks above report, then run pygent doctor again.",
): CheckOutcome {
  return { status: "warn", summary: `not checked: ${why}`, remediation };
}
