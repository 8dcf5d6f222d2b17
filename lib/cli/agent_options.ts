/**
 * The agent's options for a run of `pygent`: the resolved settings turned into
 * plain values (the model, the limits, the approval policy, the sandbox policy).
 * Nothing below the command line reads a setting on its own.
 *
 * @module
 */

import type { AgentEvent, AgentOptions, Approver } from "../agent/mod.ts";
import { OPENAI_API_URL } from "../agent/mod.ts";
import { fileLine, type RuleEntry, SettingError, type Settings } from "../config/mod.ts";
import { parseRule, type Rule, type RuleSet } from "../policy/mod.ts";
import { sandboxPolicy } from "../policy/sandbox_policy.ts";

/** What a run adds to its settings. */
export interface RunContext {
  /** The workspace folder; undefined for a temporary one. */
  workspace: string | undefined;
  /** Reads Docker's variables (`DOCKER_HOST`…) and the API key's variable. */
  getEnv: (name: string) => string | undefined;
  /** Receives every event. */
  onEvent: (event: AgentEvent) => void;
  /** Asks the user before a call that needs approval; none when no one can answer. */
  approve?: Approver;
  /** The platform to behave as; for tests of other platforms. */
  os?: typeof Deno.build.os;
}

/**
 * The agent's options for resolved settings. Copy mode on the host, where it cannot apply, is
 * refused when a flag asked for it, and said with a notice event when a default did.
 *
 * @throws {SettingError} For `--sync copy` with the host as the sandbox.
 *
 * @example
 * ```ts ignore
 * import { Agent } from "../agent/mod.ts";
 * import { loadSettings } from "../config/mod.ts";
 * import { agentOptions } from "./agent_options.ts";
 * const getEnv = (name: string) => Deno.env.get(name);
 * const { settings } = await loadSettings({ flags: {}, getEnv, cwd: Deno.cwd() });
 * const agent = new Agent(agentOptions(settings, { workspace: undefined, getEnv, onEvent: console.log }));
 * ```
 */
export function agentOptions(settings: Settings, run: RunContext): AgentOptions {
  const keyVariable = settings.api_key_env.value;
  const sandbox = settings.sandbox.value;
  if (sandbox === "host" && settings.sync.value === "copy") copyOnHost(settings, run.onEvent);
  return {
    modelName: settings.model.value,
    baseURL: settings.base_url.value ?? OPENAI_API_URL,
    apiKey: run.getEnv(keyVariable)?.trim() || undefined,
    apiKeyEnv: keyVariable,
    maxSteps: settings.max_steps.value,
    timeout: settings.timeout.value,
    approval: { mode: settings.approval.value, rules: ruleSetOf(settings) },
    ...(run.approve ? { approve: run.approve } : {}),
    getEnv: run.getEnv,
    onEvent: run.onEvent,
    runtimeOptions: {
      docker: sandbox === "auto" ? undefined : sandbox === "docker",
      image: settings.image.value,
      workspace: run.workspace,
      ...(settings.sync.value === "auto" ? {} : { sync: settings.sync.value }),
      syncLimitBytes: settings.sync_limit.value,
      sandbox: sandboxPolicy({
        network: settings.network.value,
        user: settings.root.value ? "root" : "host",
        memoryBytes: settings.memory.value,
        pidsLimit: settings.pids_limit.value,
        cpus: settings.cpus.value,
        env: settings.env.value,
      }),
      getEnv: run.getEnv,
      ...(run.os ? { os: run.os } : {}),
    },
  };
}

/**
 * Copy mode with the host as the sandbox: the flag asked for what cannot be (an error), while a
 * config file's or a variable's value is meant for the runs in containers (a notice).
 */
function copyOnHost(settings: Settings, onEvent: RunContext["onEvent"]): void {
  const where = (setting: { file?: string; line?: number; name?: string }) =>
    setting.file !== undefined ? fileLine(setting.file, setting.line) : setting.name;
  const { sandbox, sync } = settings;
  if (sync.source === "flag") {
    const host = sandbox.source === "flag"
      ? (sandbox.name === "--no-docker" ? "--no-docker" : "--sandbox host")
      : `sandbox = "host" (${where(sandbox)})`;
    throw new SettingError(
      `--sync copy applies to containers only, and ${host} runs commands on the host; drop ` +
        "one of them.",
      "--sync",
    );
  }
  onEvent({
    type: "notice",
    message: `sync = "copy" (${where(sync)}) applies to containers only: on the host, ` +
      "commands work on the workspace itself.",
  });
}

/**
 * The rules of the config files as the policy holds them, each naming its file and line.
 *
 * @example
 * ```ts ignore
 * import { ruleSetOf } from "./agent_options.ts";
 * console.log(ruleSetOf(settings).deny[0].file); // "~/.config/pygent/config.toml line 3"
 * ```
 */
export function ruleSetOf(settings: Settings): RuleSet {
  const { allow, ask, deny } = settings.rules.value;
  return { allow: rules(allow), ask: rules(ask), deny: rules(deny) };
}

function rules(entries: readonly RuleEntry[]): Rule[] {
  return entries.map((entry) => parseRule(entry.pattern, `${entry.file} line ${entry.line}`));
}
