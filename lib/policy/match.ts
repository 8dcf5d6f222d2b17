/**
 * How a rule matches a command's words. The two kinds of rule match differently, because a
 * false match has opposite costs:
 * - an `allow` rule matches only when the command's words start with exactly the rule's words,
 *   the command name compared as written (`./git status` is not `git status`), and a word that
 *   holds an expansion never satisfies a rule word;
 * - `ask` and `deny` rules match more widely, since a false match only makes things stricter:
 *   the command name is compared by basename (`/usr/bin/git push` is `git push`), the rule's
 *   other words must appear in order among the command's (`git -C dir push` is `git push`),
 *   and a word that holds an expansion matches any rule word.
 *
 * @module
 */

import type { Rule } from "./rules.ts";
import { basename, type Word } from "./words.ts";

/**
 * Whether an `allow` rule matches a command: its words are an exact prefix of the command's.
 *
 * @example
 * ```ts
 * import { allowRuleMatches } from "./match.ts";
 * import { parseRule } from "./rules.ts";
 * import { literalWord } from "./words.ts";
 * const words = ["git", "status", "-s"].map(literalWord);
 * console.log(allowRuleMatches(parseRule("git status"), words)); // true
 * ```
 */
export function allowRuleMatches(rule: Rule, words: readonly Word[]): boolean {
  if (rule.words.length > words.length) return false;
  return rule.words.every((ruleWord, i) => words[i].literal && words[i].value === ruleWord);
}

/**
 * Whether an `ask` or `deny` rule matches a command: same command name (by basename), and the
 * rule's other words in order among the command's, anything between them.
 *
 * @example
 * ```ts
 * import { strictRuleMatches } from "./match.ts";
 * import { parseRule } from "./rules.ts";
 * import { literalWord } from "./words.ts";
 * const words = ["/usr/bin/git", "-C", "repo", "push"].map(literalWord);
 * console.log(strictRuleMatches(parseRule("git push"), words)); // true
 * ```
 */
export function strictRuleMatches(rule: Rule, words: readonly Word[]): boolean {
  const [name, ...rest] = words;
  if (name === undefined || !name.literal) return false;
  if (basename(name.value) !== basename(rule.words[0])) return false;
  let at = 0;
  for (const ruleWord of rule.words.slice(1)) {
    while (at < rest.length && rest[at].literal && rest[at].value !== ruleWord) at++;
    if (at === rest.length) return false;
    at++;
  }
  return true;
}
