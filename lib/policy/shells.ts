/**
 * Shells run as commands (`bash -c STRING`, `curl … | sh`, `fish -c STRING`): what they run
 * that no rule sees, and the command lines given to them on the command line, which the policy
 * reads as command lines of their own.
 *
 * @module
 */

import type { Word } from "./words.ts";

/** Shells that take `-c STRING`, and read commands from stdin without a script. */
const SHELLS = new Set([
  ...["sh", "bash", "rbash", "zsh", "dash", "ash", "ksh", "ksh93", "mksh", "pdksh", "oksh"],
  ...["yash", "posh", "fish", "csh", "tcsh"],
]);

/** Shells whose command lines are not bash's: what they are given is read, but not parsed. */
const FOREIGN_SHELLS = new Set(["fish", "csh", "tcsh"]);

/** Options that take the next word as their argument (`bash --rcfile FILE`, `bash -o OPT`). */
const WITH_ARGUMENT = new Set(["-o", "+o", "-O", "+O", "--rcfile", "--init-file"]);

/** fish's options whose argument is code it runs (`fish -C CODE`, `fish --command=CODE`). */
const FISH_CODE = new Set(["-C", "--init-command", "--command"]);

/** What a shell command runs that no rule sees. */
export interface ShellScript {
  /** Why no rule sees it, as a sentence for the user. */
  reason: string;
  /** The command lines it was given as words (`-c STRING`), when they are literal. */
  sources: string[];
  /** Whether those are bash command lines (not `fish` or `csh` ones). */
  bash: boolean;
}

/**
 * Whether a command name is a shell's.
 *
 * @example
 * ```ts
 * import { isShell } from "./shells.ts";
 * console.log(isShell("bash"), isShell("fish"), isShell("git")); // true true false
 * ```
 */
export function isShell(program: string): boolean {
  return SHELLS.has(program);
}

/**
 * What a shell command runs that no rule sees: a `-c` string, code given to an option, or
 * commands from its input. Undefined when it runs a script file (`bash build.sh`), which is
 * judged as a command, or only prints its version or help.
 *
 * @example
 * ```ts
 * import { shellScript } from "./shells.ts";
 * import { literalWord } from "./words.ts";
 * const script = shellScript("bash", ["--rcfile", "rc", "-c", "git push"].map(literalWord));
 * console.log(script?.sources); // ["git push"]
 * ```
 */
export function shellScript(program: string, args: readonly Word[]): ShellScript | undefined {
  const fish = program === "fish";
  const sources: string[] = [];
  let command = false;
  let stdin = false;
  const code = (word: Word | undefined) => {
    command = true;
    if (word?.literal) sources.push(word.value);
  };
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (!arg.literal || !/^[-+]/.test(arg.value) || arg.value === "-" || arg.value === "--") break;
    const option = arg.value;
    const equals = option.indexOf("=");
    if (option === "--version" || option === "--help") return undefined;
    if (fish && option.startsWith("--") && FISH_CODE.has(option.slice(0, equals))) {
      code({ ...arg, value: option.slice(equals + 1) });
    } else if (fish && FISH_CODE.has(option)) code(args[++i]);
    else if (WITH_ARGUMENT.has(option)) i++;
    else if (/^-[A-Za-z]*c[A-Za-z]*$/.test(option)) command = true;
    else if (/^-[A-Za-z]*s[A-Za-z]*$/.test(option)) stdin = true;
  }
  if (args[i]?.value === "-") stdin = true;
  if (args[i]?.value === "--" || args[i]?.value === "-") i++;
  const bash = !FOREIGN_SHELLS.has(program);
  if (command) {
    if (args.slice(0, i).some((arg) => /^-[A-Za-z]*c[A-Za-z]*$/.test(arg.value))) code(args[i]);
    return { reason: `${program} -c runs a string as commands no rule sees`, sources, bash };
  }
  if (stdin || i >= args.length) {
    return { reason: `${program} runs commands from its input, which no rule sees`, sources, bash };
  }
  return undefined;
}
