/**
 * The one settings loader: the user file, the project file, a profile, the
 * variables and the flags, resolved into one {@linkcode Settings} value with
 * each value's source. Precedence, highest first: flag, variable, profile,
 * project file, user file, default; rules gather from every file layer.
 *
 * A project file that is not trusted cannot loosen safety: its values of the
 * guarded keys apply only when at least as strict as what they would replace,
 * and the rest are ignored with a notice.
 *
 * @module
 */

import path from "node:path";
import { readConfigFile } from "./config_file.ts";
import type { ConfigFile, FileLayer } from "./config_file.ts";
import { SettingError, UnknownProfileError } from "./errors.ts";
import { flagOf, KEYS, RULE_KINDS, SETTING_KEYS } from "./keys.ts";
import type { Guard, SandboxMode, SettingKey } from "./keys.ts";
import { fileLine, type Origin, originError, showToml } from "./origin.ts";
import { findProjectFile, realFolder, shownPath, userFile } from "./paths.ts";
import type {
  FlagLayer,
  LoadedSettings,
  RuleEntries,
  Settings,
  Source,
  Sourced,
} from "./settings.ts";
import { namesFolder } from "./trust.ts";
import { unchangedSinceTrusted } from "./trust_pins.ts";
import { envName, readBoolean } from "./values.ts";

/** What {@linkcode loadSettings} reads. */
export interface LoadInput {
  /** The flags, as the command line parsed them. */
  flags: FlagLayer;
  /** Reads an environment variable. */
  getEnv: (name: string) => string | undefined;
  /** The current directory: where relative paths and (with no workspace) the search start. */
  cwd: string;
  /** The workspace, where the project file is looked for; default `cwd`. */
  workspace?: string;
  /** The platform, for where the user file is; default `Deno.build.os`. */
  os?: typeof Deno.build.os;
}

/** One value of one layer, and where it came from. */
interface Candidate {
  value: unknown;
  raw: unknown;
  origin: Origin;
}

/** A project file that is not trusted: its folder, and why (never trusted, or changed since). */
interface Untrusted {
  folder: string;
  why: string;
}

/** A value of an untrusted project file that was not applied, and where it was. */
interface Notice {
  layer: number;
  line: number;
  /** The value, where it was: `.pygent/config.toml line 4: network = true`. */
  text: string;
  untrusted: Untrusted;
}

/** One layer of settings: a file's table, the variables, or the flags. */
interface Layer {
  source: Source;
  values: Partial<Record<SettingKey, Candidate>>;
  rules?: FileLayer["rules"];
  /** For a layer of a project file that is not trusted: the folder to trust, and why it is not. */
  untrusted?: Untrusted;
}

/**
 * Reads every source of settings and resolves them.
 *
 * @throws {ConfigError} A {@linkcode ConfigFileError} for a bad file, a
 * {@linkcode SettingError} for a bad flag or variable, an
 * {@linkcode UnknownProfileError}: all mean exit code 2.
 *
 * @example
 * ```ts
 * import { loadSettings } from "./load.ts";
 * const { settings, notices } = await loadSettings({
 *   flags: { memory: "2g" },
 *   getEnv: (name) => Deno.env.get(name),
 *   cwd: Deno.cwd(),
 * });
 * console.log(settings.memory); // { value: 2147483648, source: "flag", name: "--memory" }
 * for (const notice of notices) console.error(notice);
 * ```
 */
export async function loadSettings(input: LoadInput): Promise<LoadedSettings> {
  const { flags, getEnv } = input;
  const os = input.os ?? Deno.build.os;
  const cwd = await realFolder(input.cwd);
  const userPaths = userFile(getEnv, os);
  const user = await readConfigFile({ kind: "user", ...userPaths });
  const found = await findProjectFile(path.resolve(cwd, input.workspace ?? "."));
  const project = found &&
    await readConfigFile({
      kind: "project",
      file: found.file,
      shown: shownPath(found.file, { cwd }),
    });
  const listed = found !== undefined && await isTrusted(found.folder, user?.trusted ?? []);
  const changed = listed && !await unchangedSinceTrusted(userPaths.file, found.folder);
  const trusted = listed && !changed;
  const untrusted: Untrusted | undefined = project && !trusted && found
    ? {
      folder: found.folder,
      why: changed ? "its config changed since you trusted it" : "this folder is not trusted",
    }
    : undefined;

  const profile = profileName(flags, getEnv);
  const layers: Layer[] = [
    fileLayer("user", user, user?.layer),
    fileLayer("project", project, project?.layer, untrusted),
  ];
  if (profile !== undefined) {
    const [userProfile, projectProfile] = [user, project].map((f) => f?.profiles.get(profile.name));
    if (!userProfile && !projectProfile) {
      throw unknownProfile(profile, [user, project], userPaths.shown);
    }
    layers.push(
      fileLayer("profile", user, userProfile),
      fileLayer("profile", project, projectProfile, untrusted),
    );
  }
  layers.push(envLayer(getEnv), flagLayer(flags));

  const notices: Notice[] = [];
  const resolved = {} as Record<SettingKey, Sourced<unknown>>;
  const winners: Partial<Record<SettingKey, Candidate>> = {};
  for (const key of SETTING_KEYS) resolved[key] = resolve(key, layers, notices, winners);
  const rules = gatherRules(layers, notices);
  const settings = {
    ...resolved,
    env: resolveEnv(resolved.env as Sourced<string[]>, winners.env?.origin, getEnv),
    rules,
  } as Settings;
  notices.sort((a, b) => a.layer - b.layer || a.line - b.line);
  return {
    settings,
    notices: untrustedNotices(notices),
    userFile: userPaths.file,
    ...(found && { projectFile: found.file }),
    ...(profile && { profile: profile.name }),
    trusted,
  };
}

function fileLayer(
  source: Source,
  file: ConfigFile | undefined,
  table: FileLayer | undefined,
  untrusted?: Untrusted,
): Layer {
  const values: Layer["values"] = {};
  if (!file || !table) return { source, values };
  for (const [key, located] of Object.entries(table.values)) {
    values[key as SettingKey] = {
      value: located.value,
      raw: located.raw,
      origin: { kind: "file", file: file.shown, line: located.line, key: located.key },
    };
  }
  return { source, values, rules: table.rules, ...(file.kind === "project" && { untrusted }) };
}

function envLayer(getEnv: (name: string) => string | undefined): Layer {
  const values: Layer["values"] = {};
  for (const key of SETTING_KEYS) {
    const name = KEYS[key].variable;
    const raw = name && getEnv(name);
    if (name && raw) values[key] = candidate(key, raw, { kind: "env", name });
  }
  const useDocker = getEnv("PYGENT_USE_DOCKER");
  if (useDocker) {
    const origin: Origin = { kind: "env", name: "PYGENT_USE_DOCKER" };
    const mode: SandboxMode = readBoolean(useDocker, origin) ? "docker" : "host";
    const sandbox = values.sandbox;
    if (sandbox && sandbox.value !== mode) {
      throw new SettingError(
        `PYGENT_SANDBOX=${sandbox.raw} and PYGENT_USE_DOCKER=${useDocker} disagree; ` +
          "unset PYGENT_USE_DOCKER (PYGENT_SANDBOX is its newer name).",
        "PYGENT_USE_DOCKER",
      );
    }
    values.sandbox ??= { value: mode, raw: useDocker, origin };
  }
  return { source: "env", values };
}

function flagLayer(flags: FlagLayer): Layer {
  const values: Layer["values"] = {};
  for (const key of SETTING_KEYS) {
    const raw = flags[key];
    if (raw === undefined) continue;
    // A yes/no flag said false is its --no- form (--no-network, --no-root).
    const name = raw === false ? flagOf(key).replace(/^--/, "--no-") : flagOf(key);
    values[key] = candidate(key, raw, { kind: "flag", name });
  }
  if (flags.docker !== undefined) {
    const name = flags.docker ? "--docker" : "--no-docker";
    const mode: SandboxMode = flags.docker ? "docker" : "host";
    if (values.sandbox && values.sandbox.value !== mode) {
      throw new SettingError(
        `--sandbox ${flags.sandbox} and ${name} disagree; give one of them.`,
        name,
      );
    }
    values.sandbox ??= { value: mode, raw: flags.docker, origin: { kind: "flag", name } };
  }
  return { source: "flag", values };
}

function candidate(key: SettingKey, raw: unknown, origin: Origin): Candidate {
  return { value: KEYS[key].read(raw, origin), raw, origin };
}

/** The value of the highest layer that sets the key and may; its candidate goes to `winners`. */
function resolve(
  key: SettingKey,
  layers: Layer[],
  notices: Notice[],
  winners: Partial<Record<SettingKey, Candidate>>,
): Sourced<unknown> {
  let current: Sourced<unknown> = { value: KEYS[key].default, source: "default" };
  for (const [index, layer] of layers.entries()) {
    const found = layer.values[key];
    if (!found) continue;
    const guard = KEYS[key].guard as Guard<unknown>;
    if (layer.untrusted !== undefined && !allowed(guard, found.value, current.value)) {
      notices.push(ignored(index, found.origin, showToml(found.raw), layer.untrusted));
      continue;
    }
    current = { value: found.value, source: layer.source, ...sourceOf(found.origin) };
    winners[key] = found;
  }
  return current;
}

function allowed(guard: Guard<unknown>, next: unknown, current: unknown): boolean {
  return guard === "any" ? true : guard === "never" ? false : guard(next, current);
}

function sourceOf(origin: Origin): { file: string; line?: number } | { name: string } {
  if (origin.kind !== "file") return { name: origin.name };
  return origin.line === undefined
    ? { file: origin.file }
    : { file: origin.file, line: origin.line };
}

/** A value of an untrusted project file that was not applied. */
function ignored(layer: number, origin: Origin, shown: string, untrusted: Untrusted): Notice {
  const where = origin.kind === "file" ? fileLine(origin.file, origin.line) : origin.name;
  const key = origin.kind === "file" ? origin.key : origin.name;
  const line = origin.kind === "file" ? origin.line ?? 0 : 0;
  return { layer, line, text: `${where}: ${key} = ${shown}`, untrusted };
}

/**
 * One notice per untrusted folder, naming each value that was not applied: a cloned repository
 * that tries several says so in one line, not one line each on every run.
 */
function untrustedNotices(notices: Notice[]): string[] {
  const byFolder = Map.groupBy(notices, (notice) => notice.untrusted);
  return [...byFolder].map(([{ folder, why }, ignoredHere]) => {
    const quoted = /^[\w./:\\-]+$/.test(folder) ? folder : `'${folder.replaceAll("'", `'\\''`)}'`;
    const values = ignoredHere.map((notice) => notice.text).join("; ");
    return `${values} ignored: ${why} (pygent trust ${quoted} to trust it)`;
  });
}

/** Every rule of every file layer; `allow` rules of an untrusted project file are ignored. */
function gatherRules(layers: Layer[], notices: Notice[]): Sourced<RuleEntries> {
  const rules: RuleEntries = { allow: [], ask: [], deny: [] };
  let source: Source = "default";
  for (const [index, layer] of layers.entries()) {
    for (const kind of RULE_KINDS) {
      const list = layer.rules?.[kind];
      if (!list || list.value.length === 0) continue;
      if (kind === "allow" && layer.untrusted !== undefined) {
        const file = list.value[0].file;
        const origin: Origin = { kind: "file", file, line: list.line, key: list.key };
        notices.push(ignored(index, origin, showToml(list.raw), layer.untrusted));
        continue;
      }
      rules[kind].push(...list.value.map((entry) => ({ ...entry, source: layer.source })));
      source = layer.source;
    }
  }
  return { value: rules, source };
}

/** The winning `env` entries, each `NAME` alone looked up now. */
function resolveEnv(
  env: Sourced<string[]>,
  origin: Origin | undefined,
  getEnv: (name: string) => string | undefined,
): Settings["env"] {
  const values: Record<string, string> = {};
  for (const spec of env.value) {
    const name = envName(spec);
    const value = spec.includes("=") ? spec.slice(name.length + 1) : getEnv(name);
    if (value === undefined && origin) {
      const fix = origin.kind === "file" ? `write "${name}=VALUE"` : `use --env ${name}=VALUE`;
      const where = origin.kind === "file"
        ? `${JSON.stringify(origin.key)} in ${fileLine(origin.file, origin.line)}`
        : `${origin.name} ${name}`;
      throw originError(origin, `${where}: ${name} is not set here; set it or ${fix}.`);
    }
    if (value !== undefined) values[name] = value;
  }
  return { ...env, value: values, specs: env.value };
}

function profileName(
  flags: FlagLayer,
  getEnv: (name: string) => string | undefined,
): { name: string; origin: Origin } | undefined {
  const fromEnv = getEnv("PYGENT_PROFILE");
  const found = flags.profile !== undefined
    ? { name: flags.profile, origin: { kind: "flag", name: "--profile" } as const }
    : fromEnv
    ? { name: fromEnv, origin: { kind: "env", name: "PYGENT_PROFILE" } as const }
    : undefined;
  if (found && !found.name.trim()) {
    throw originError(found.origin, `${found.origin.name} is empty; give a profile's name.`);
  }
  return found;
}

function unknownProfile(
  profile: { name: string; origin: Origin },
  files: (ConfigFile | undefined)[],
  userShown: string,
): UnknownProfileError {
  const asked = profile.origin.kind === "flag"
    ? `--profile ${profile.name}`
    : `PYGENT_PROFILE=${profile.name}`;
  const table = `[profiles.${
    /^[\w-]+$/.test(profile.name) ? profile.name : JSON.stringify(profile.name)
  }]`;
  const present = files.filter((f) => f !== undefined);
  const available = [...new Set(present.flatMap((f) => [...f.profiles.keys()]))];
  const message = present.length === 0
    ? `${asked} names no ${table}: there is no config file; write ${table} in ${userShown}.`
    : `${asked} names no ${table} in ${present.map((f) => f.shown).join(" or ")}; ` +
      (available.length > 0
        ? `the profiles there are ${available.join(", ")}.`
        : `${present.length === 1 ? "it has" : "they have"} no profiles (add a ${table} table).`);
  return new UnknownProfileError(message, profile.name, available);
}

async function isTrusted(folder: string, trusted: string[]): Promise<boolean> {
  for (const entry of trusted) if (await namesFolder(entry, folder)) return true;
  return false;
}
