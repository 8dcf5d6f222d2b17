/**
 * Rules: command prefixes in plain shell words (`"git push"`, `"npm run test"`), read from a
 * config file's `allow`, `ask` and `deny` lists.
 *
 * @module
 */

import { RuleError } from "./errors.ts";

/** A rule: a command prefix in shell words, e.g. "git push". */
export interface Rule {
  /** The rule as written. */
  readonly pattern: string;
  /** Its words: the command name first. */
  readonly words: readonly string[];
  /** Where it was written (a config file's path, or `"session"`), for messages. */
  readonly file?: string;
}

/** The three lists of rules. */
export interface RuleSet {
  /** Commands that run without asking. */
  readonly allow: readonly Rule[];
  /** Commands that always ask first, whatever the mode (except "never"). */
  readonly ask: readonly Rule[];
  /** Commands that never run. */
  readonly deny: readonly Rule[];
}

/** A word a rule may hold: nothing the shell would expand, split, quote or redirect. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Whether a word could be written in a rule as it is.
 *
 * @example
 * ```ts
 * import { isPlainWord } from "./rules.ts";
 * console.log(isPlainWord("--target=x86_64"), isPlainWord("$(id)")); // true false
 * ```
 */
export function isPlainWord(word: string): boolean {
  return PLAIN_WORD.test(word);
}

/**
 * Reads a rule: a command prefix in plain words separated by spaces.
 *
 * @throws {RuleError} when the pattern is empty, holds shell syntax (quotes, `$`, `;`, `&&`,
 * `|`, globs, redirections...), or starts with an assignment such as `FOO=1`.
 *
 * @example
 * ```ts
 * import { parseRule } from "./rules.ts";
 * console.log(parseRule("git  push").words); // ["git", "push"]
 * ```
 */
export function parseRule(pattern: string, file?: string): Rule {
  const words = pattern.trim().split(/\s+/).filter((word) => word !== "");
  if (words.length === 0) throw new RuleError(pattern, "is empty", file);
  const bad = words.find((word) => !isPlainWord(word));
  if (bad !== undefined) {
    throw new RuleError(
      pattern,
      `is not plain words: ${JSON.stringify(bad)} holds shell syntax ` +
        "(quotes, $, globs, operators and redirections are not allowed)",
      file,
    );
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
    throw new RuleError(
      pattern,
      `starts with the assignment ${JSON.stringify(words[0])}, which matching ignores; ` +
        "leave it out",
      file,
    );
  }
  return file === undefined ? { pattern, words } : { pattern, words, file };
}

/**
 * Reads the three lists of a config file (or of flags) into a {@linkcode RuleSet}.
 *
 * @throws {RuleError} for the first rule that is not plain words.
 *
 * @example
 * ```ts
 * import { ruleSet } from "./rules.ts";
 * const rules = ruleSet({ allow: ["git status"], deny: ["git push"] }, "pygent.toml");
 * console.log(rules.deny[0].file); // "pygent.toml"
 * ```
 */
export function ruleSet(
  lists: { allow?: string[]; ask?: string[]; deny?: string[] },
  file?: string,
): RuleSet {
  const read = (patterns: string[] = []) => patterns.map((pattern) => parseRule(pattern, file));
  return { allow: read(lists.allow), ask: read(lists.ask), deny: read(lists.deny) };
}

/**
 * How a rule is named in a message: `rule "git push" in /home/u/.config/pygent/config.toml`.
 *
 * @example
 * ```ts
 * import { describeRule, parseRule } from "./rules.ts";
 * console.log(describeRule(parseRule("ls", "session"))); // 'rule "ls" (added this session)'
 * ```
 */
export function describeRule(rule: Rule): string {
  const name = `rule ${JSON.stringify(rule.pattern.trim().replace(/\s+/g, " "))}`;
  if (rule.file === undefined) return name;
  return rule.file === "session" ? `${name} (added this session)` : `${name} in ${rule.file}`;
}
