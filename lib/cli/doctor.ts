/**
 * `pygent doctor [--json]`: checks everything a session needs (the config files, the engine,
 * the socket's permissions, the image, a sandbox, the model server, the workspace) with the
 * settings a run would use, and prints one row per check, or one JSON object. Exits 0 when no
 * check failed, 1 otherwise, 2 on a bad flag. The API key is never printed: only its variable,
 * and whether that is set.
 *
 * @module
 */

import { OPENAI_API_URL } from "../agent/mod.ts";
import { loadSettings } from "../config/mod.ts";
import { type CheckResult, type DoctorReport, runDoctor } from "../doctor/mod.ts";
import { agentOptions } from "./agent_options.ts";
import { parseDoctorArgs } from "./args.ts";
import type { CommandIo } from "./command_io.ts";
import { USAGE_EXIT_CODE, UsageError } from "./errors.ts";
import { reveal, safeJson } from "./sanitize.ts";

/**
 * Runs `pygent doctor` with the arguments after `doctor`; resolves to the exit code.
 *
 * @example
 * ```ts ignore
 * import { runDoctorCommand } from "./doctor.ts";
 * const code = await runDoctorCommand(["--json"], {
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * });
 * ```
 */
export async function runDoctorCommand(argv: string[], io: CommandIo): Promise<number> {
  let parsed;
  try {
    parsed = parseDoctorArgs(argv, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`pygent: ${reveal(error.message)}\n`);
    return USAGE_EXIT_CODE;
  }
  if (parsed.kind === "print") {
    io.out(parsed.text);
    return 0;
  }
  const { flags, workspace, json } = parsed.args;
  const started = performance.now();
  const report = await runDoctor({
    loadSettings: () =>
      loadSettings({ flags, getEnv: io.getEnv, cwd: io.cwd, workspace, os: io.os }),
    runtimeOptions: (settings) =>
      agentOptions(settings, { workspace, getEnv: io.getEnv, onEvent: () => {} }).runtimeOptions ??
        {},
    model: (settings) => {
      const keyVariable = settings.api_key_env.value;
      const baseURL = settings.base_url.value ?? OPENAI_API_URL;
      return {
        name: settings.model.value,
        baseURL,
        openai: baseURL.replace(/\/+$/, "") === OPENAI_API_URL,
        keyVariable,
        key: io.getEnv(keyVariable)?.trim() || undefined,
      };
    },
    workspace,
    cwd: io.cwd,
    getEnv: io.getEnv,
  });
  io.out(json ? `${safeJson(report)}\n` : doctorTable(report, performance.now() - started));
  return report.checks.some((check) => check.status === "fail") ? 1 : 0;
}

/**
 * The report for people: one row per check (status, id, summary), what to do under a row that
 * is not ok, and a count (with the time taken, when given).
 *
 * @example
 * ```ts
 * import { doctorTable } from "./doctor.ts";
 * console.log(doctorTable({
 *   version: "0.1.0",
 *   checks: [{ id: "config", status: "ok", summary: "no project file", durationMs: 3 }],
 * }));
 * ```
 */
export function doctorTable(report: DoctorReport, elapsedMs?: number): string {
  const width = Math.max(...report.checks.map((check) => check.id.length));
  const lines = [`pygent ${report.version} doctor`, ""];
  for (const check of report.checks) {
    lines.push(`${check.status.padEnd(4)}  ${check.id.padEnd(width)}  ${reveal(check.summary)}`);
    if (check.remediation !== undefined && check.status !== "ok") {
      lines.push(`${" ".repeat(width + 8)}→ ${reveal(check.remediation)}`);
    }
  }
  const count = (status: CheckResult["status"]) =>
    report.checks.filter((check) => check.status === status).length;
  const took = elapsedMs === undefined ? "" : ` in ${(elapsedMs / 1000).toFixed(1)} s`;
  lines.push("", `${count("ok")} ok, ${count("warn")} warn, ${count("fail")} fail${took}`);
  return lines.join("\n") + "\n";
}
