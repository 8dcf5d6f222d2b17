/**
 * `pygent config [--json]`: every setting a run would use, its value and
 * where it comes from, as an aligned table or one JSON object (on one line,
 * control and invisible characters escaped). Notices about
 * an untrusted project file's ignored keys go to stderr. The API key itself is
 * never printed: only the name of its variable and whether that is set.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import {
  type LoadedSettings,
  loadSettings,
  SETTING_KEYS,
  type SettingKey,
  showBytes,
  type Source,
} from "../config/mod.ts";
import { parseConfigArgs } from "./args.ts";
import type { CommandIo } from "./command_io.ts";
import { USAGE_EXIT_CODE, UsageError } from "./errors.ts";
import { reveal, safeJson } from "./sanitize.ts";

/** One setting in `pygent config --json`. */
export interface SettingJson {
  value: unknown;
  source: Source;
  /** The config file, as shown in messages (relative to the current directory, or with `~`). */
  file?: string;
  line?: number;
  /** The flag or the variable, for a value from one. */
  name?: string;
  /** For `api_key_env`: whether that variable is set. */
  set?: boolean;
  /** For `rules`: the files the rules came from. */
  files?: string[];
}

/** `pygent config --json`: every key, `rules` and `profile`. */
export type SettingsJson = Record<SettingKey | "rules" | "profile", SettingJson>;

/**
 * Runs `pygent config` with the arguments after `config`; resolves to the exit
 * code (0, or 2 for a bad flag, variable or file).
 *
 * @example
 * ```ts
 * import { runConfigCommand } from "./config_command.ts";
 * const code = await runConfigCommand(["--json"], {
 *   out: (text) => console.log(text),
 *   err: (text) => console.error(text),
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * });
 * ```
 */
export async function runConfigCommand(argv: string[], io: CommandIo): Promise<number> {
  try {
    const parsed = parseConfigArgs(argv, io);
    if (parsed.kind === "print") {
      io.out(parsed.text);
      return 0;
    }
    const { flags, workspace, json } = parsed.args;
    const loaded = await loadSettings({
      flags,
      getEnv: io.getEnv,
      cwd: io.cwd,
      workspace,
      os: io.os,
    });
    for (const notice of loaded.notices) io.err(`pygent: ${reveal(notice)}\n`);
    const profileSource: Source = flags.profile !== undefined
      ? "flag"
      : loaded.profile !== undefined
      ? "env"
      : "default";
    const data = settingsJson(loaded, io.getEnv, profileSource);
    const userExists = await Deno.stat(loaded.userFile).then(() => true, () => false);
    io.out(json ? `${safeJson(data)}\n` : settingsTable(loaded, data, userExists));
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    io.err(`pygent: ${reveal(error.message)}\n`);
    return USAGE_EXIT_CODE;
  }
}

/**
 * The settings as `pygent config --json` prints them: every key with its
 * value (`null` for none; `env` as its entries, without the values taken from
 * the environment; `rules` as pattern lists) and its source.
 *
 * @example
 * ```ts
 * import { loadSettings } from "../config/mod.ts";
 * import { settingsJson } from "./config_command.ts";
 * const getEnv = (name: string) => Deno.env.get(name);
 * const loaded = await loadSettings({ flags: {}, getEnv, cwd: Deno.cwd() });
 * console.log(settingsJson(loaded, getEnv, "default").memory);
 * // { value: 536870912, source: "default" }
 * ```
 */
export function settingsJson(
  loaded: LoadedSettings,
  getEnv: (name: string) => string | undefined,
  profileSource: Source,
): SettingsJson {
  const { settings } = loaded;
  const json = {} as SettingsJson;
  for (const key of SETTING_KEYS) {
    const { value, source, file, line, name } = settings[key];
    json[key] = {
      value: key === "env" ? settings.env.specs : value ?? null,
      source,
      ...(file !== undefined && { file }),
      ...(line !== undefined && { line }),
      ...(name !== undefined && { name }),
    };
  }
  json.api_key_env.set = Boolean(getEnv(settings.api_key_env.value));
  const rules = settings.rules.value;
  const files = [...new Set([...rules.allow, ...rules.ask, ...rules.deny].map((r) => r.file))];
  json.rules = {
    value: {
      allow: rules.allow.map((r) => r.pattern),
      ask: rules.ask.map((r) => r.pattern),
      deny: rules.deny.map((r) => r.pattern),
    },
    source: settings.rules.source,
    ...(files.length > 0 && { files }),
  };
  json.profile = { value: loaded.profile ?? null, source: profileSource };
  return json;
}

/** The settings as an aligned table for people, after a few lines about the files. */
function settingsTable(loaded: LoadedSettings, data: SettingsJson, userExists: boolean): string {
  const { settings } = loaded;
  const rows: string[][] = [["KEY", "VALUE", "SOURCE", "WHERE"]];
  for (const key of SETTING_KEYS) {
    const entry = data[key];
    const where = entry.file !== undefined
      ? `${entry.file}${entry.line === undefined ? "" : `:${entry.line}`}`
      : entry.name ?? "";
    rows.push([key, shown(key, loaded, data), entry.source, where]);
  }
  const rules = settings.rules.value;
  const entries = [
    ...rules.deny.map((r) => ["deny", r] as const),
    ...rules.ask.map((r) => ["ask", r] as const),
    ...rules.allow.map((r) => ["allow", r] as const),
  ];
  if (entries.length === 0) rows.push(["rules", "(none)", "default", ""]);
  for (const [kind, rule] of entries) {
    const source = rule.source ?? "";
    rows.push([`rules.${kind}`, JSON.stringify(rule.pattern), source, `${rule.file}:${rule.line}`]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const table = rows.map((row) =>
    row.map((cell, column) => column === row.length - 1 ? cell : cell.padEnd(widths[column]))
      .join("  ").trimEnd()
  );
  return [...header(loaded, data, userExists), "", ...table].map(reveal).join("\n") + "\n";
}

function header(loaded: LoadedSettings, data: SettingsJson, userExists: boolean): string[] {
  const userLine = `User file:    ${loaded.userFile}${userExists ? "" : " (none)"}`;
  const projectLine = loaded.projectFile === undefined
    ? "Project file: none (.pygent/config.toml in the workspace or above it, up to the git root)"
    : `Project file: ${loaded.projectFile} (${
      loaded.trusted ? "trusted" : "not trusted: its keys that loosen the sandbox are ignored"
    })`;
  const lines = [userLine, projectLine];
  if (loaded.profile !== undefined) {
    lines.push(
      `Profile:      ${loaded.profile} (${
        data.profile.source === "flag" ? "--profile" : "PYGENT_PROFILE"
      })`,
    );
  }
  return lines;
}

/** A setting's value in words, for the table. */
function shown(key: SettingKey, loaded: LoadedSettings, data: SettingsJson): string {
  const { settings } = loaded;
  switch (key) {
    case "api_key_env":
      return `${settings.api_key_env.value} (${data.api_key_env.set ? "set" : "not set"})`;
    case "base_url":
      return settings.base_url.value ?? "(OpenAI's API)";
    case "memory":
      return showBytes(settings.memory.value);
    case "sync_limit":
      return showBytes(settings.sync_limit.value);
    case "sync":
      // "auto" alone does not say what a session gets; the engine decides, as README says.
      return settings.sync.value === "auto"
        ? "auto (copy for tcp://, else bind)"
        : settings.sync.value;
    case "cpus":
      return settings.cpus.value === undefined ? "(no limit)" : String(settings.cpus.value);
    case "timeout":
      return `${settings.timeout.value}s`;
    case "env":
      return settings.env.specs.length > 0 ? settings.env.specs.join(" ") : "(none)";
    case "engines":
      return settings.engines.value.length > 0
        ? settings.engines.value.map((engine) => engine.url).join(" ")
        : "(the engine a session uses)";
    default:
      return String(settings[key].value);
  }
}
