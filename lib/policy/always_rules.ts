/**
 * The allow rules an "always" answer adds: for each command that asked, the shortest prefix
 * that names the program and what it does (`git push origin main` → `git push`,
 * `python3 -m pytest -x` → `python3 -m pytest`, `uv run pytest -q` → `uv run pytest`,
 * `ls -la` → `ls`).
 *
 * @module
 */

import { SUBCOMMANDS } from "./programs.ts";
import { isPlainWord } from "./rules.ts";
import type { Verdict } from "./verdict.ts";
import { basename, type Word } from "./words.ts";

/** Interpreters whose first operand is the script they run (`node build.js`). */
const INTERPRETER =
  /^(python[0-9.]*|pypy[0-9.]*|node|nodejs|ruby|perl|php|bash|sh|zsh|dash|ksh|Rscript|lua|tsx|ts-node)$/;

/** Interpreter options that run code given on the command line or on stdin: no rule names it. */
const INLINE_CODE = /^(-|--(eval|print|command)(=.*)?|-[A-Za-z]*[ceEpr].*)$/;

/**
 * Subcommands that run the file or package their next operand names, with their options that
 * take an argument: the rule names the operand too (`deno run main.ts`, `cargo run --bin x`).
 */
const RUNS_OPERAND: Readonly<Record<string, readonly string[]>> = {
  "deno run": [
    ...["-c", "--config", "--import-map", "--lock", "--cert", "--location", "--seed", "-L"],
    ...["--log-level", "--ext", "--env-file", "--preload", "--require"],
  ],
  "go run": [
    ...["-C", "-exec", "-tags", "-ldflags", "-gcflags", "-asmflags", "-mod", "-modfile", "-p"],
    ...["-o", "-pgo", "-overlay", "-buildmode", "-compiler", "-toolexec", "-covermode"],
    "-coverpkg",
  ],
  "cargo run": [
    ...["--bin", "--example", "-p", "--package", "-F", "--features", "--target", "--profile"],
    ...["-j", "--jobs", "--manifest-path", "--target-dir", "--color", "--config", "-Z"],
    ...["--message-format", "--lockfile-path"],
  ],
  "bun run": ["--cwd", "--env-file", "-r", "--preload", "-c", "--config"],
};

/** Subcommands that run code given on the command line: no rule names it (`deno eval CODE`). */
const INLINE_SUBCOMMANDS = new Set(["deno eval", "bun eval", "node eval"]);

/** Interpreter options that take an argument (`python3 -W ignore x.py`, `node -r ts-node x`). */
const INTERPRETER_ARGUMENT = new Set(["-W", "-X", "-I", "--require", "--import", "--loader"]);

/**
 * The allow rule that names a command: its program, and its subcommand, module or script.
 * Undefined when no rule can name it: a word that is not literal, or code in an argument.
 *
 * @example
 * ```ts
 * import { ruleForCommand } from "./always_rules.ts";
 * import { literalWord } from "./words.ts";
 * const words = ["git", "push", "origin", "main"].map(literalWord);
 * console.log(ruleForCommand([], words)); // "git push"
 * ```
 */
export function ruleForCommand(
  prefix: readonly Word[],
  words: readonly Word[],
): string | undefined {
  const named = _namingWords(words);
  if (named === undefined) return undefined;
  const all = [...prefix, ...named];
  if (!all.every((word) => word.literal && isPlainWord(word.value))) return undefined;
  return all.map((word) => word.value).join(" ");
}

function _namingWords(words: readonly Word[]): readonly Word[] | undefined {
  const [name] = words;
  if (name === undefined || !name.literal) return undefined;
  const program = basename(name.value);
  if (Object.hasOwn(SUBCOMMANDS, program)) {
    const sub = _operand(words, 1, SUBCOMMANDS[program]);
    if (sub === undefined || sub === words.length || words[sub].value === "--") {
      return _upTo(words, sub);
    }
    const subcommand = `${program} ${words[sub].value}`;
    if (INLINE_SUBCOMMANDS.has(subcommand)) return undefined;
    if (!Object.hasOwn(RUNS_OPERAND, subcommand)) return words.slice(0, sub + 1);
    return _upTo(words, _operand(words, sub + 1, RUNS_OPERAND[subcommand]));
  }
  if (INTERPRETER.test(program)) {
    for (let i = 1; i < words.length; i++) {
      const word = words[i];
      if (!word.literal) return undefined;
      if (INLINE_CODE.test(word.value)) return undefined;
      if (word.value === "-m") return words.slice(0, i + 2);
      if (!word.value.startsWith("-")) return words.slice(0, i + 1);
      if (INTERPRETER_ARGUMENT.has(word.value)) i++;
    }
    return words;
  }
  return [name];
}

/** The words up to the operand at `at` (`_operand`'s answer), or before it when it is `--`. */
function _upTo(words: readonly Word[], at: number | undefined): readonly Word[] | undefined {
  if (at === undefined) return undefined;
  return words[at]?.value === "--" ? words.slice(0, at) : words.slice(0, at + 1);
}

/**
 * Where the first operand is from `from`, skipping options (and the arguments of those in
 * `withArgument`): its index, or that of a `--` before it; `words.length` when there is none;
 * undefined when a word that is not literal comes first.
 */
function _operand(
  words: readonly Word[],
  from: number,
  withArgument: readonly string[],
): number | undefined {
  for (let i = from; i < words.length; i++) {
    const word = words[i];
    if (!word.literal) return undefined;
    if (word.value === "--" || !word.value.startsWith("-")) return i;
    if (withArgument.includes(word.value)) i++;
  }
  return words.length;
}

/**
 * The allow rules to add when the user answers "always": one per command that asked, without
 * repeats. Empty when a part that asked cannot be named by a rule (a command substitution,
 * `eval`, `sh -c`, a parse error, a command an `ask` rule names...), since no rule would stop
 * the same line from asking again. File writes are not commands: they are left out, and still
 * ask (`allowWrites` covers only the file tools' writes, never a redirection).
 *
 * @example
 * ```ts
 * import { alwaysRules, checkCommand, ruleSet } from "./mod.ts";
 * const policy = { mode: "ask", where: "host", rules: ruleSet({}) } as const;
 * const verdict = await checkCommand(policy, "git push origin main && ls -la");
 * console.log(alwaysRules(verdict)); // ["git push", "ls"]
 * ```
 */
export function alwaysRules(verdict: Verdict): string[] {
  const rules: string[] = [];
  for (const part of verdict.parts) {
    if (part.decision !== "ask" || part.kind === "write") continue;
    if (part.alwaysRule === undefined) return [];
    if (!rules.includes(part.alwaysRule)) rules.push(part.alwaysRule);
  }
  return rules;
}
