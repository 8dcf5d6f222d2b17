/**
 * The shapes the loader works with: the flags as the command line gave them,
 * and the resolved {@linkcode Settings}, each value with where it came from.
 *
 * @module
 */

import type { ApprovalMode } from "../policy/mod.ts";
import type { EngineSetting, SandboxMode, SyncSetting } from "./keys.ts";

/** Where a setting's value came from, from the lowest precedence to the highest. */
export type Source = "default" | "user" | "project" | "profile" | "env" | "flag";

/**
 * A value and where it came from.
 *
 * @example
 * ```ts
 * import type { Sourced } from "./settings.ts";
 * const file = "~/.config/pygent/config.toml";
 * const memory: Sourced<number> = { value: 2 ** 31, source: "user", file, line: 3 };
 * console.log(memory.source); // "user"
 * ```
 */
export interface Sourced<T> {
  value: T;
  source: Source;
  /** The config file, as shown to the user, for a value from a file. */
  file?: string;
  /** Its line in that file. */
  line?: number;
  /** The flag (`--memory`) or the variable (`PYGENT_MEMORY`), for a value from one. */
  name?: string;
}

/** One rule: a command prefix in shell words (`"git push"`) and where it was written. */
export interface RuleEntry {
  pattern: string;
  /** The config file, as shown to the user. */
  file: string;
  line: number;
  /** The layer it came from: `"user"`, `"project"` or `"profile"` (set by the loader). */
  source?: Source;
}

/** The rules of every layer, gathered (never overridden). */
export interface RuleEntries {
  allow: RuleEntry[];
  ask: RuleEntry[];
  deny: RuleEntry[];
}

/** Every setting a run uses, resolved, each with its source. */
export interface Settings {
  model: Sourced<string>;
  /** An OpenAI-compatible server; undefined for OpenAI's own API. */
  base_url: Sourced<string | undefined>;
  /** The name of the variable that holds the API key (never the key). */
  api_key_env: Sourced<string>;
  image: Sourced<string>;
  sandbox: Sourced<SandboxMode>;
  network: Sourced<boolean>;
  root: Sourced<boolean>;
  /** Bytes. */
  memory: Sourced<number>;
  pids_limit: Sourced<number>;
  /** CPUs; undefined for no limit. */
  cpus: Sourced<number | undefined>;
  /** Seconds per command. */
  timeout: Sourced<number>;
  max_steps: Sourced<number>;
  /**
   * Variables given to the sandbox: each `NAME` alone was looked up when the settings were
   * loaded. `specs` are the entries as written (`NAME` or `NAME=VALUE`), for showing the
   * setting without the values taken from the environment.
   */
  env: Sourced<Record<string, string>> & { specs: string[] };
  approval: Sourced<ApprovalMode>;
  /** Whether the session is written to the sessions folder as it goes. */
  history: Sourced<boolean>;
  /** Days a session file is kept after it was last written. */
  history_max_days: Sourced<number>;
  worktree: Sourced<boolean>;
  /** `pygent batch`'s pool; empty: the engine a session would use. */
  engines: Sourced<EngineSetting[]>;
  /** How the workspace reaches the container. */
  sync: Sourced<SyncSetting>;
  /** Copy mode: most bytes copied in one go, either way. */
  sync_limit: Sourced<number>;
  /** Source: the highest layer that gave a rule, or `"default"` when none did. */
  rules: Sourced<RuleEntries>;
}

/**
 * The flags of the command line, raw, keyed by setting: what `args.ts` parsed
 * (text, or `true`/`false` for the yes/no flags). Their names in messages are
 * the flags' (`pids_limit` is `--pids-limit`).
 */
export interface FlagLayer {
  model?: string;
  base_url?: string;
  api_key_env?: string;
  image?: string;
  /** `--sandbox MODE`. */
  sandbox?: string;
  /** `--docker` (true) or `--no-docker` (false). */
  docker?: boolean;
  network?: boolean;
  root?: boolean;
  memory?: string;
  pids_limit?: string;
  cpus?: string;
  timeout?: string;
  max_steps?: string;
  /** `--env`, in the order given. */
  env?: string[];
  approval?: string;
  /** `--history` (true) or `--no-history` (false). */
  history?: boolean;
  history_max_days?: string;
  worktree?: boolean;
  /** `--engines URL,URL` (`pygent batch`). */
  engines?: string;
  /** `--sync auto|bind|copy`. */
  sync?: string;
  /** `--sync-limit SIZE`. */
  sync_limit?: string;
  /** `--profile NAME`. */
  profile?: string;
}

/** What {@linkcode loadSettings} found, besides the settings. */
export interface LoadedSettings {
  settings: Settings;
  /** Lines for the user (keys of an untrusted project file that were ignored), for stderr. */
  notices: string[];
  /** The user file's absolute path, whether or not it exists. */
  userFile: string;
  /** The project file's absolute path, when there is one. */
  projectFile?: string;
  /** The profile in use (`--profile`, `PYGENT_PROFILE`). */
  profile?: string;
  /** Whether the project file's folder is trusted (false when there is no project file). */
  trusted: boolean;
}
