/**
 * One config file read and checked: every key known, every value of the right
 * kind, each with the line it is on. A file that fails is a
 * {@linkcode ConfigFileError} naming the file, the line and the key; a file
 * that is not there is no error.
 *
 * @module
 */

import path from "node:path";
import { parse, TomlError } from "smol-toml";
import { RuleError } from "../policy/errors.ts";
import { parseRule } from "../policy/rules.ts";
import { ConfigFileError } from "./errors.ts";
import { KEYS, RULE_KINDS, type RuleKind, SETTING_KEYS } from "./keys.ts";
import type { SettingKey, SettingValues } from "./keys.ts";
import { nearest } from "../nearest.ts";
import { describeOrigin, fileLine, invalidValue, type Origin } from "./origin.ts";
import { looksLikeKey } from "./values.ts";
import type { RuleEntry } from "./settings.ts";
import { TomlLocations, type TomlPath } from "./toml_locations.ts";

/** A value read from a file, with where it was written. */
export interface Located<T> {
  value: T;
  /** The value as the file wrote it (`"2g"` for a memory of 2 GiB), for notices. */
  raw: unknown;
  line: number | undefined;
  /** The key's dotted path in the file (`profiles.ci.memory`). */
  key: string;
}

/** The settings of one table of a file: the top level, or one profile. */
export interface FileLayer {
  values: { [K in SettingKey]?: Located<SettingValues[K]> };
  rules: { [K in RuleKind]?: Located<RuleEntry[]> };
}

/** A config file, read and checked. */
export interface ConfigFile {
  /** The user's own file, or a project's (which may not hold `trusted`). */
  kind: "user" | "project";
  /** Its absolute path. */
  file: string;
  /** Its path as the user would recognise it, for messages. */
  shown: string;
  /** The top-level settings. */
  layer: FileLayer;
  /** `[profiles.NAME]` tables. */
  profiles: Map<string, FileLayer>;
  /** `trusted` (user file only): the folders whose project files are read in full. */
  trusted: string[];
}

/** How to name a file in messages, and which kind it is. */
export interface ConfigFileInfo {
  kind: "user" | "project";
  file: string;
  shown: string;
}

/**
 * Reads and checks a config file; undefined when there is none.
 *
 * @throws {ConfigFileError} When it cannot be read, is not TOML, or holds a bad key or value.
 *
 * @example
 * ```ts
 * import { readConfigFile } from "./config_file.ts";
 * const info = { kind: "project", file: "/tmp/none.toml", shown: "none.toml" } as const;
 * const file = await readConfigFile(info);
 * console.log(file); // undefined
 * ```
 */
export async function readConfigFile(info: ConfigFileInfo): Promise<ConfigFile | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(info.file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    const why = error instanceof Deno.errors.PermissionDenied
      ? "permission denied; make it readable (chmod u+r) or remove it"
      : error instanceof Deno.errors.IsADirectory
      ? "it is a folder; a config file must be a file"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new ConfigFileError(`Cannot read ${info.shown}: ${why}.`, { file: info.shown });
  }
  return parseConfigFile(text, info);
}

/**
 * Checks a config file's text.
 *
 * @throws {ConfigFileError} When it is not TOML, or holds a bad key or value.
 *
 * @example
 * ```ts
 * import { parseConfigFile } from "./config_file.ts";
 * const info = { kind: "user", file: "/c.toml", shown: "c.toml" } as const;
 * const file = parseConfigFile('memory = "2g"\n', info);
 * console.log(file.layer.values.memory);
 * // { value: 2147483648, raw: "2g", line: 1, key: "memory" }
 * ```
 */
export function parseConfigFile(text: string, info: ConfigFileInfo): ConfigFile {
  const table = parseToml(text, info.shown);
  const reader = new _Reader(info, TomlLocations.scan(text));
  const config: ConfigFile = {
    ...info,
    layer: { values: {}, rules: {} },
    profiles: new Map(),
    trusted: [],
  };
  for (const [key, raw] of Object.entries(table)) {
    if (key === "profiles") {
      for (const [name, profile] of Object.entries(reader.table(raw, [key]))) {
        const profileTable = reader.table(profile, [key, name]);
        config.profiles.set(name, reader.layer(profileTable, [key, name]));
      }
    } else if (key === "trusted") {
      config.trusted = reader.trusted(raw);
    } else {
      reader.setting(config.layer, key, raw, [], [...SETTING_KEYS, "rules", "profiles"]);
    }
  }
  return config;
}

/**
 * Parses TOML text.
 *
 * @throws {ConfigFileError} On a syntax error, naming the line, the column and the key there.
 *
 * @example
 * ```ts
 * import { parseToml } from "./config_file.ts";
 * console.log(parseToml("a = 1", "a.toml")); // { a: 1 }
 * ```
 */
export function parseToml(text: string, shown: string): Record<string, unknown> {
  try {
    return parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.replace(/^Invalid TOML document: /, "").split("\n")[0];
    const lineText = text.split(/\r?\n/)[error.line - 1] ?? "";
    const key = /^\s*([\w.\-"' ]+?)\s*=/.exec(lineText)?.[1];
    throw new ConfigFileError(
      `${shown} line ${error.line} is not valid TOML: ${reason} ` +
        `(column ${error.column}: ${JSON.stringify(lineText.trim())}).`,
      { file: shown, line: error.line, key },
      { cause: error },
    );
  }
}

/** A key path as TOML writes it: `profiles.ci.memory`, `profiles."my ci".memory`. */
function dotted(path: TomlPath): string {
  return path.map((part) =>
    typeof part === "number"
      ? `[${part}]`
      : /^[A-Za-z0-9_-]+$/.test(part)
      ? part
      : JSON.stringify(part)
  ).join(".");
}

/** Checks the tables and values of one file, with its lines at hand. */
class _Reader {
  readonly #info: ConfigFileInfo;
  readonly #where: TomlLocations;

  constructor(info: ConfigFileInfo, where: TomlLocations) {
    this.#info = info;
    this.#where = where;
  }

  /** A profile: any setting and `[rules]`. */
  layer(table: Record<string, unknown>, prefix: string[]): FileLayer {
    const layer: FileLayer = { values: {}, rules: {} };
    for (const [key, raw] of Object.entries(table)) {
      this.setting(layer, key, raw, prefix, [...SETTING_KEYS, "rules"]);
    }
    return layer;
  }

  /** One key of a settings table: a setting, or `rules`. */
  setting(
    layer: FileLayer,
    key: string,
    raw: unknown,
    prefix: string[],
    valid: readonly string[],
  ): void {
    const path = [...prefix, key];
    if (key === "rules") {
      for (const [kind, list] of Object.entries(this.table(raw, path))) {
        if (!(RULE_KINDS as readonly string[]).includes(kind)) {
          throw this.#unknown([...path, kind], RULE_KINDS);
        }
        layer.rules[kind as RuleKind] = this.#rules(list, [...path, kind]);
      }
      return;
    }
    if (!(SETTING_KEYS as readonly string[]).includes(key)) throw this.#unknown(path, valid, raw);
    this.#read(layer, key as SettingKey, raw, path);
  }

  #read<K extends SettingKey>(layer: FileLayer, key: K, raw: unknown, path: TomlPath): void {
    const origin = this.#origin(path);
    const value = KEYS[key].read(raw, origin);
    (layer.values as Record<K, Located<SettingValues[K]>>)[key] = {
      value,
      raw,
      line: origin.line,
      key: origin.key,
    };
  }

  /** A table (`[rules]`, `[profiles]`, `[profiles.NAME]`). */
  table(raw: unknown, path: TomlPath): Record<string, unknown> {
    if (typeof raw === "object" && raw !== null && !Array.isArray(raw) && !(raw instanceof Date)) {
      return raw as Record<string, unknown>;
    }
    const example = path[0] === "rules"
      ? '[rules] with lists such as deny = ["git push"]'
      : path.length === 1
      ? "[profiles.NAME] tables of settings"
      : `[${dotted(path)}] with settings under it`;
    throw invalidValue(this.#origin(path), raw, `use a table: ${example}`);
  }

  #rules(raw: unknown, path: TomlPath): Located<RuleEntry[]> {
    const origin = this.#origin(path);
    const bad = !Array.isArray(raw) || raw.some((p) => typeof p !== "string" || !p.trim());
    if (bad) {
      throw invalidValue(
        origin,
        raw,
        'use a list of command prefixes, such as ["git status", "npm test"]',
      );
    }
    const entries = (raw as string[]).map((pattern, i) => {
      const line = this.#where.line([...path, i]) ?? origin.line ?? 0;
      try {
        parseRule(pattern, fileLine(this.#info.shown, line));
      } catch (error) {
        if (!(error instanceof RuleError)) throw error;
        throw new ConfigFileError(error.message, { ...origin, line }, { cause: error });
      }
      return { pattern, file: this.#info.shown, line };
    });
    return { value: entries, raw, line: origin.line, key: origin.key };
  }

  trusted(raw: unknown): string[] {
    const origin = this.#origin(["trusted"]);
    if (this.#info.kind === "project") {
      throw new ConfigFileError(
        `${describeOrigin(origin)}: "trusted" is read only from your user file, never from a ` +
          "project's; remove it here and run pygent trust DIR to trust a folder.",
        origin,
      );
    }
    const absolute = (p: unknown) =>
      typeof p === "string" && (path.isAbsolute(p) || path.win32.isAbsolute(p));
    if (!Array.isArray(raw) || !raw.every(absolute)) {
      throw invalidValue(
        origin,
        raw,
        "use a list of absolute folder paths (pygent trust DIR adds one)",
      );
    }
    return raw as string[];
  }

  #unknown(path: TomlPath, valid: readonly string[], raw?: unknown): ConfigFileError {
    const key = String(path.at(-1));
    const origin = this.#origin(path);
    const where = `in ${this.#info.shown}${
      origin.line === undefined ? "" : ` line ${origin.line}`
    }`;
    const prefix = path.slice(0, -1);
    const guess = nearest(key, valid);
    const advice =
      /api.?key|token|secret|password/i.test(key) || (typeof raw === "string" && looksLikeKey(raw))
        ? ": a key is never read from a file; put it in a variable and set " +
          'api_key_env = "THAT_VARIABLE".'
        : key === "trusted"
        ? '; "trusted" belongs at the top of your user file (pygent trust DIR writes it).'
        : guess !== undefined
        ? `; did you mean ${JSON.stringify(dotted([...prefix, guess]))}?`
        : `; the keys there are ${valid.join(", ")}.`;
    return new ConfigFileError(`unknown key ${JSON.stringify(dotted(path))} ${where}${advice}`, {
      file: this.#info.shown,
      line: origin.line,
      key: dotted(path),
    });
  }

  #origin(path: TomlPath): Extract<Origin, { kind: "file" }> {
    return {
      kind: "file",
      file: this.#info.shown,
      line: this.#where.line(path),
      key: dotted(path),
    };
  }
}
