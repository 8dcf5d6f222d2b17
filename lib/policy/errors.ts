/**
 * Typed errors of the approval policy, each with a message a user can act on.
 *
 * @module
 */

/** Base class of the policy layer's errors. */
export class PolicyError extends Error {
  /**
   * Creates a `PolicyError`.
   * @param message What went wrong and what to do about it.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PolicyError";
  }
}

/**
 * A rule that is not a command prefix in plain words: empty, or holding shell syntax.
 *
 * @example
 * ```ts
 * import { parseRule, RuleError } from "./mod.ts";
 * try {
 *   parseRule("git push &&", "config.toml");
 * } catch (e) {
 *   if (e instanceof RuleError) console.log(e.pattern, e.file); // "git push &&" "config.toml"
 * }
 * ```
 */
export class RuleError extends PolicyError {
  /** The rule as it was written. */
  readonly pattern: string;
  /** Where the rule was written, when known. */
  readonly file?: string;

  /**
   * Creates a `RuleError`.
   * @param pattern The rule as written.
   * @param why What is wrong with it, as the middle of a sentence.
   * @param file Where it was written.
   */
  constructor(pattern: string, why: string, file?: string) {
    super(
      `The rule ${JSON.stringify(pattern)}${file ? ` in ${file}` : ""} ${why}. ` +
        'Write a command prefix in plain words, such as "git push" or "npm run test".',
    );
    this.name = "RuleError";
    this.pattern = pattern;
    if (file !== undefined) this.file = file;
  }
}
