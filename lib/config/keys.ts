/**
 * The settings' keys: for each, its default, its variable, the one function
 * that reads its value (from a flag, a variable or a file alike) and how an
 * untrusted project file may change it.
 *
 * @module
 */

import { DEFAULT_API_KEY_ENV } from "../agent/openai_model.ts";
import { DEFAULT_MAX_STEPS, DEFAULT_MODEL, DEFAULT_TIMEOUT_SECONDS } from "../agent/settings.ts";
import { APPROVAL_MODES, type ApprovalMode } from "../policy/mod.ts";
import {
  DEFAULT_IMAGE,
  DEFAULT_MEMORY_BYTES,
  DEFAULT_PIDS_LIMIT,
  DEFAULT_SYNC_LIMIT_BYTES,
  MIN_CPUS,
  MIN_MEMORY_BYTES,
  MIN_PIDS_LIMIT,
} from "../runtime/options.ts";
import { describeOrigin, invalidValue, type Origin, originError } from "./origin.ts";
import {
  readBoolean,
  readByteSize,
  readChoice,
  readEnvSpecs,
  readPositiveNumber,
  readText,
  readUrl,
  readVariableName,
  readWholeNumber,
} from "./values.ts";

/** Days a session file is kept after it was last written (`history_max_days`). */
export const DEFAULT_HISTORY_MAX_DAYS = 30;

/** Where commands run: Docker when an engine answers (`auto`), Docker or an error, the host. */
export type SandboxMode = "auto" | "docker" | "host";

/**
 * How the workspace reaches the container: `auto` (a bind mount for an engine on this machine's
 * socket, a copy for a `tcp://` one), `bind` or `copy`.
 */
export type SyncSetting = "auto" | "bind" | "copy";

/** The sandbox modes, loosest first. */
export const SANDBOX_MODES: readonly SandboxMode[] = ["host", "auto", "docker"];
/** The approval modes, loosest first. */
const APPROVAL_LOOSEST_FIRST: readonly ApprovalMode[] = ["never", "auto", "ask"];

/** Each key's value once read (`env` as its entries, `NAME` or `NAME=VALUE`). */
export interface SettingValues {
  model: string;
  base_url: string | undefined;
  api_key_env: string;
  image: string;
  sandbox: SandboxMode;
  network: boolean;
  root: boolean;
  memory: number;
  pids_limit: number;
  cpus: number | undefined;
  timeout: number;
  max_steps: number;
  env: string[];
  approval: ApprovalMode;
  history: boolean;
  history_max_days: number;
  worktree: boolean;
  engines: EngineSetting[];
  sync: SyncSetting;
  sync_limit: number;
}

/**
 * One engine of `pygent batch`'s pool: a `DOCKER_HOST`-style URL and, for a `tcp://` one, its
 * own TLS settings (`DOCKER_TLS_VERIFY` and `DOCKER_CERT_PATH` apply when it has none).
 */
export interface EngineSetting {
  /** `unix:///path` or `tcp://host:port`. */
  url: string;
  /** The folder of its `ca.pem`, `cert.pem` and `key.pem`: TLS with these. */
  certPath?: string;
  /** `false`: plain tcp, whatever `DOCKER_TLS_VERIFY` says; `true`: TLS. */
  tlsVerify?: boolean;
}

/** A key of {@linkcode SettingValues}: every setting but the rules. */
export type SettingKey = keyof SettingValues;

/**
 * How a project file that is not trusted may change a key: `"any"` way; `"never"`;
 * or only to a value that is at least as strict as the one it would replace.
 */
export type Guard<T> = "any" | "never" | ((next: T, current: T) => boolean);

/** What there is to know about one key. */
export interface KeySpec<T> {
  /** The environment variable that sets it, if one does. */
  variable?: string;
  /** Its value when nothing sets it. */
  default: T;
  /** Reads a raw value: text from a flag or a variable, a TOML value from a file. */
  read(raw: unknown, origin: Origin): T;
  /** How a project file that is not trusted may change it. */
  guard: Guard<T>;
}

const rank = <T>(order: readonly T[]) => (next: T, current: T) =>
  order.indexOf(next) >= order.indexOf(current);
const noLooser = (next: boolean, current: boolean) => !next || current;
const noHigher = (next: number, current: number) => next <= current;

/**
 * Every key, in the order `pygent config` shows them.
 *
 * @example
 * ```ts
 * import { KEYS } from "./keys.ts";
 * console.log(KEYS.memory.read("2g", { kind: "flag", name: "--memory" })); // 2147483648
 * console.log(KEYS.memory.variable); // "PYGENT_MEMORY"
 * ```
 */
export const KEYS: { readonly [K in SettingKey]: KeySpec<SettingValues[K]> } = {
  model: {
    variable: "PYGENT_MODEL",
    default: DEFAULT_MODEL,
    read: (raw, origin) => readText(raw, origin, "a model's name, such as gpt-4o-mini"),
    guard: "any",
  },
  base_url: {
    variable: "OPENAI_BASE_URL",
    default: undefined,
    read: readUrl,
    guard: "never",
  },
  api_key_env: {
    variable: "PYGENT_API_KEY_ENV",
    default: DEFAULT_API_KEY_ENV,
    read: readVariableName,
    guard: "never",
  },
  image: {
    variable: "PYGENT_IMAGE",
    default: DEFAULT_IMAGE,
    read: (raw, origin) => readText(raw, origin, `an image such as ${DEFAULT_IMAGE}`),
    guard: "any",
  },
  sandbox: {
    variable: "PYGENT_SANDBOX",
    default: "auto",
    read: (raw, origin) => readChoice(raw, origin, ["auto", "docker", "host"]),
    guard: rank(SANDBOX_MODES),
  },
  network: {
    variable: "PYGENT_NETWORK",
    default: false,
    read: readBoolean,
    guard: noLooser,
  },
  root: {
    variable: "PYGENT_ROOT",
    default: false,
    read: readBoolean,
    guard: noLooser,
  },
  memory: {
    variable: "PYGENT_MEMORY",
    default: DEFAULT_MEMORY_BYTES,
    read: (raw, origin) => readByteSize(raw, origin, MIN_MEMORY_BYTES),
    guard: noHigher,
  },
  pids_limit: {
    variable: "PYGENT_PIDS_LIMIT",
    default: DEFAULT_PIDS_LIMIT,
    read: (raw, origin) => readWholeNumber(raw, origin, MIN_PIDS_LIMIT),
    guard: noHigher,
  },
  cpus: {
    variable: "PYGENT_CPUS",
    default: undefined,
    read: (raw, origin) => readPositiveNumber(raw, origin, "a number above 0, e.g. 1.5", MIN_CPUS),
    guard: (next, current) => current === undefined || (next !== undefined && next <= current),
  },
  timeout: {
    variable: "PYGENT_TIMEOUT",
    default: DEFAULT_TIMEOUT_SECONDS,
    read: (raw, origin) => readPositiveNumber(raw, origin, "a number of seconds above 0"),
    guard: noHigher,
  },
  max_steps: {
    variable: "PYGENT_MAX_STEPS",
    default: DEFAULT_MAX_STEPS,
    read: (raw, origin) => readWholeNumber(raw, origin, 1),
    guard: noHigher,
  },
  env: {
    default: [],
    read: readEnvSpecs,
    guard: "never",
  },
  approval: {
    variable: "PYGENT_APPROVAL",
    default: "auto",
    read: (raw, origin) => readChoice(raw, origin, APPROVAL_MODES),
    guard: rank(APPROVAL_LOOSEST_FIRST),
  },
  history: {
    variable: "PYGENT_HISTORY",
    default: true,
    read: readBoolean,
    // A project may stop its sessions being kept, never start keeping what the user turned off.
    guard: noLooser,
  },
  history_max_days: {
    variable: "PYGENT_HISTORY_MAX_DAYS",
    default: DEFAULT_HISTORY_MAX_DAYS,
    read: (raw, origin) => readPositiveNumber(raw, origin, "a number of days above 0, e.g. 30"),
    // Every workspace's sessions are pruned with it: a cloned repository must not erase them.
    guard: "never",
  },
  worktree: {
    variable: "PYGENT_WORKTREE",
    default: false,
    read: readBoolean,
    // A project may put its sessions on a branch, never have them write into the checkout.
    guard: (next, current) => next || !current,
  },
  engines: {
    default: [],
    read: readEngines,
    // The pool receives every task's files: only the user chooses where they go.
    guard: "never",
  },
  sync: {
    variable: "PYGENT_SYNC",
    default: "auto",
    read: (raw, origin) => readChoice(raw, origin, ["auto", "bind", "copy"]),
    // Either way the sandbox can change the workspace's files and nothing else of the host's:
    // a bind mount shares them (its .git and .pygent read-only); a copy shares no host path at
    // all and brings back only what passes the checks (no .git, .pygent, ignored paths, links
    // written through). Neither is looser, so a project may choose.
    guard: "any",
  },
  sync_limit: {
    variable: "PYGENT_SYNC_LIMIT",
    default: DEFAULT_SYNC_LIMIT_BYTES,
    read: (raw, origin) => readByteSize(raw, origin, 1),
    // What is copied is the user's memory and time: a project may lower it, never raise it.
    guard: noHigher,
  },
};

const ENGINE_EXAMPLE = 'engines = ["unix:///var/run/docker.sock", { url = "tcp://HOST:2376", ' +
  'cert_path = "/certs/HOST" }]';

/**
 * `engines`: a list of URLs (a flag: separated by commas), or in a file of URLs and tables
 * `{ url, cert_path?, tls_verify? }`.
 */
function readEngines(raw: unknown, origin: Origin): EngineSetting[] {
  const list = typeof raw === "string" && origin.kind !== "file"
    ? raw.split(",").map((url) => url.trim()).filter(Boolean)
    : raw;
  if (!Array.isArray(list) || list.length === 0) {
    throw invalidValue(
      origin,
      raw,
      origin.kind === "file" ? `write ${ENGINE_EXAMPLE}` : "give URLs separated by commas",
    );
  }
  return list.map((entry, index) => {
    const where = `engine ${index + 1} of ${describeOrigin(origin)}`;
    const table = typeof entry === "string" ? { url: entry } : entry;
    if (typeof table !== "object" || table === null || Array.isArray(table)) {
      throw originError(origin, `${where} must be a URL or a table; ${ENGINE_EXAMPLE}.`);
    }
    const { url, cert_path: certPath, tls_verify: tlsVerify, ...rest } = table as Record<
      string,
      unknown
    >;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) {
      throw originError(
        origin,
        `${where}: ${unknown.join(", ")} is not an engine's setting; use url, cert_path and ` +
          "tls_verify.",
      );
    }
    if (typeof url !== "string" || !/^(unix:\/\/\/|tcp:\/\/[^/]+)/.test(url)) {
      throw originError(
        origin,
        `${where}: ${JSON.stringify(url ?? null)} is not an engine's URL; write ` +
          "unix:///path/to/docker.sock or tcp://HOST:PORT.",
      );
    }
    if ((certPath !== undefined || tlsVerify !== undefined) && !url.startsWith("tcp://")) {
      throw originError(origin, `${where}: cert_path and tls_verify are for tcp:// engines only.`);
    }
    if (certPath !== undefined && (typeof certPath !== "string" || !certPath.trim())) {
      throw originError(origin, `${where}: cert_path must be a folder's path.`);
    }
    if (tlsVerify !== undefined && typeof tlsVerify !== "boolean") {
      throw originError(origin, `${where}: tls_verify must be true or false.`);
    }
    if (certPath !== undefined && tlsVerify === false) {
      throw originError(origin, `${where}: cert_path with tls_verify = false; drop one.`);
    }
    return {
      url,
      ...(certPath !== undefined ? { certPath } : {}),
      ...(tlsVerify !== undefined ? { tlsVerify } : {}),
    };
  });
}

/**
 * The keys, in the order of {@linkcode KEYS}.
 *
 * @example
 * ```ts
 * import { SETTING_KEYS } from "./keys.ts";
 * console.log(SETTING_KEYS[0]); // "model"
 * ```
 */
export const SETTING_KEYS: readonly SettingKey[] = Object.keys(KEYS) as SettingKey[];

/** The kinds of rules, loosest first. */
export const RULE_KINDS = ["allow", "ask", "deny"] as const;
/** A kind of rule: `allow`, `ask` or `deny`. */
export type RuleKind = typeof RULE_KINDS[number];

/**
 * The flag that sets a key: `--pids-limit` for `pids_limit`.
 *
 * @example
 * ```ts
 * import { flagOf } from "./keys.ts";
 * console.log(flagOf("max_steps")); // "--max-steps"
 * ```
 */
export function flagOf(key: SettingKey): string {
  return `--${key.replaceAll("_", "-")}`;
}
