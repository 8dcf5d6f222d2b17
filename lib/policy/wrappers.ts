/**
 * Commands that run another command: `env A=1 nice -n 5 git push` runs `git push`, and so does
 * `uv run git push`. The policy judges the command inside, so a wrapper neither hides a denied
 * command nor needs a rule of its own (except `sudo`, `doas` and the runners, which an allow
 * rule must name: `sudo git status`, `uv run pytest`). A wrapper with an option this module
 * cannot read cannot be judged; one that runs a shell (`su -c STRING`, `watch CMD`) cannot
 * either, but the command line it gives the shell is read too.
 *
 * @module
 */

import type { OptionWrite } from "./output_options.ts";
import { SUBCOMMANDS } from "./programs.ts";
import { PARALLEL_WITH_ARGUMENT, RUNNERS, WRAPPERS, type WrapperSpec } from "./wrapper_specs.ts";
import { basename, type Word } from "./words.ts";

/** A command with the wrappers around it taken off. */
export interface Unwrapped {
  /** The command that runs in the end. */
  words: Word[];
  /** Each wrapper seen through, with its options (`["env", "-i"]`), outermost first. */
  wrappers: Word[][];
  /** Wrapper words that an allow rule must name too: `sudo`, a runner, and their options. */
  allowPrefix: Word[];
  /** Variables that `env NAME=value` sets for the command. */
  assignments: string[];
  /** Files the wrappers write through an option (`time -o FILE`). */
  writes: OptionWrite[];
  /**
   * Where the command may start instead, when a runner had an option this module does not
   * know (it may take the next word): deny and ask rules see these too.
   */
  guesses: Word[][];
  /** Command lines a wrapper gives a shell (`su -c STRING`): to be read as command lines. */
  scripts: string[];
  /** Set when the command cannot be judged (an option that could not be read, a shell): why. */
  unjudgeable?: string;
}

/** How many wrappers deep to look (`sudo env nice timeout ...`). */
const MAX_WRAPPERS = 16;

/**
 * Takes the wrappers off a command: `env -i A=1 timeout 5 git push` → `git push`.
 *
 * @example
 * ```ts
 * import { unwrap } from "./wrappers.ts";
 * import { literalWord } from "./words.ts";
 * const u = unwrap(["env", "-i", "A=1", "git", "push"].map(literalWord));
 * console.log(u.words.map((w) => w.value), u.assignments); // ["git", "push"] ["A"]
 * ```
 */
export function unwrap(words: Word[]): Unwrapped {
  const result: Unwrapped = {
    words,
    wrappers: [],
    allowPrefix: [],
    assignments: [],
    writes: [],
    guesses: [],
    scripts: [],
  };
  for (let depth = 0; depth < MAX_WRAPPERS; depth++) {
    const found = _findWrapper(result.words);
    if (found === undefined) return result;
    const { name, spec, at } = found;
    const read = name === "parallel"
      ? _readParallel(result.words)
      : _readWrapper(name, spec, result.words, at);
    if (read === "not running") return result;
    if ("unjudgeable" in read) {
      return { ...result, unjudgeable: read.unjudgeable, scripts: read.scripts ?? [] };
    }
    const layer = result.words.slice(0, read.commandAt);
    result.wrappers.push(layer);
    if (spec.namedByAllowRules) result.allowPrefix.push(...layer);
    result.assignments.push(...read.assignments);
    result.writes.push(...read.writes);
    result.guesses.push(...read.guesses);
    result.words = result.words.slice(read.commandAt);
  }
  return { ...result, unjudgeable: "it nests too many wrapper commands" };
}

/** The wrapper a command starts with, and where its options start: `uv run -q x` → 2. */
function _findWrapper(
  words: Word[],
): { name: string; spec: WrapperSpec; at: number } | undefined {
  const first = words[0];
  if (first === undefined || !first.literal) return undefined;
  const program = basename(first.value);
  if (Object.hasOwn(WRAPPERS, program)) return { name: program, spec: WRAPPERS[program], at: 1 };
  if (program === "parallel") return { name: program, spec: {}, at: 1 };
  if (Object.hasOwn(RUNNERS, program)) return { name: program, spec: RUNNERS[program], at: 1 };
  if (!Object.hasOwn(SUBCOMMANDS, program)) return undefined;
  // A runner subcommand after the program's global options: `uv --directory x run`.
  let i = 1;
  while (i < words.length && words[i].literal && words[i].value.startsWith("-")) {
    if (SUBCOMMANDS[program].includes(words[i].value)) i++;
    i++;
  }
  for (const length of [1, 2]) {
    const sub = words.slice(i, i + length);
    if (sub.length < length || !sub.every((word) => word.literal)) return undefined;
    const name = [program, ...sub.map((word) => word.value)].join(" ");
    if (Object.hasOwn(RUNNERS, name)) return { name, spec: RUNNERS[name], at: i + length };
  }
  return undefined;
}

type ReadWrapper =
  | {
    commandAt: number;
    assignments: string[];
    writes: OptionWrite[];
    guesses: Word[][];
  }
  | { unjudgeable: string; scripts?: string[] }
  | "not running";

/** A wrapper's option that runs a command line through a shell, and that line when literal. */
function _shellRuns(
  wrapper: string,
  option: string,
  script: Word | undefined,
): { unjudgeable: string; scripts?: string[] } {
  return {
    unjudgeable: `${wrapper} ${option} runs a string as commands no rule sees`,
    ...(script?.literal ? { scripts: [script.value] } : {}),
  };
}

/** Words that a shell runs as one command line (`watch git status`, `sudo -s ls`). */
function _joined(
  wrapper: string,
  why: string,
  words: Word[],
): { unjudgeable: string; scripts?: string[] } {
  return {
    unjudgeable: `${wrapper} ${why}, which no rule sees`,
    ...(words.length > 0 && words.every((word) => word.literal)
      ? { scripts: [words.map((word) => word.value).join(" ")] }
      : {}),
  };
}

/** Reads a wrapper's options and operands, from `at`: where its command starts. */
function _readWrapper(wrapper: string, spec: WrapperSpec, words: Word[], at: number): ReadWrapper {
  const has = (list: readonly string[] | undefined, option: string) =>
    list !== undefined && list.includes(option);
  const cannotRead = (word: Word) => ({
    unjudgeable: `${wrapper} has an option Pygent cannot read (${word.text}), ` +
      "so the command it runs cannot be judged",
  });
  const writes: OptionWrite[] = [];
  const wrote = (option: string, target: Word | undefined, text: string) => {
    if (target !== undefined && has(spec.writes, option)) writes.push({ text, target });
  };
  const argumentOf = (word: Word, value: string): Word => ({
    value,
    literal: word.literal,
    text: value,
  });
  let unknownAt: number | undefined;
  let viaShell: string | undefined;
  let exec = false;
  if (spec.runsShell) return _readShellRunner(wrapper, spec, words);
  let i = at;
  for (; i < words.length; i++) {
    const word = words[i];
    if (!word.literal) {
      if (word.text.startsWith("-")) return cannotRead(word);
      break;
    }
    const option = word.value;
    if (option === "--") {
      i++;
      break;
    }
    if (!option.startsWith("-") || (option === "-" && !has(spec.flags, "-"))) break;
    if (has(spec.notRunning, option)) return "not running";
    if (has(spec.viaShell, option)) viaShell ??= option;
    if (has(spec.joinsWords?.unless, option)) exec = true;
    if (has(spec.shellString, option)) return _shellRuns(wrapper, option, words[i + 1]);
    if (
      has(spec.flags, option) || has(spec.optionalArgument, option) || has(spec.viaShell, option)
    ) continue;
    if (spec.numericOption && /^-\d+$/.test(option)) continue;
    if (option.startsWith("--")) {
      const equals = option.indexOf("=");
      if (equals > 0) {
        const key = option.slice(0, equals);
        const value = argumentOf(word, option.slice(equals + 1));
        if (has(spec.shellString, key)) return _shellRuns(wrapper, key, value);
        if ([spec.withArgument, spec.flags, spec.optionalArgument].some((l) => has(l, key))) {
          wrote(key, value, `${wrapper} ${word.text}`);
          continue;
        }
        if (spec.lenient) {
          unknownAt ??= i;
          continue;
        }
        return cannotRead(word);
      }
      if (has(spec.withArgument, option)) {
        wrote(option, words[i + 1], `${wrapper} ${option} ${words[i + 1]?.text ?? ""}`);
        i++;
        continue;
      }
      if (spec.lenient) {
        unknownAt ??= i;
        continue;
      }
      return cannotRead(word);
    }
    // A cluster of short options: "-EH", "-n5", "-u" "bob".
    let consumedNext = false;
    for (let j = 1; j < option.length; j++) {
      const short = `-${option[j]}`;
      const attached = option.slice(j + 1);
      if (has(spec.notRunning, short)) return "not running";
      if (has(spec.shellString, short)) {
        return _shellRuns(wrapper, short, attached ? argumentOf(word, attached) : words[i + 1]);
      }
      if (has(spec.viaShell, short)) viaShell ??= short;
      if (has(spec.joinsWords?.unless, short)) exec = true;
      if (has(spec.flags, short) || has(spec.viaShell, short)) continue;
      if (has(spec.optionalArgument, short)) break;
      if (has(spec.withArgument, short)) {
        if (attached === "") {
          consumedNext = true;
          wrote(short, words[i + 1], `${wrapper} ${short} ${words[i + 1]?.text ?? ""}`);
        } else wrote(short, argumentOf(word, attached), `${wrapper} ${word.text}`);
        break;
      }
      if (!spec.lenient) return cannotRead(word);
      unknownAt ??= i;
      break;
    }
    if (consumedNext) i++;
  }
  if (i > words.length) return cannotRead(words[words.length - 1]);
  for (let n = 0; n < (spec.operands ?? 0); n++, i++) {
    if (i >= words.length) return "not running";
  }
  const next = words[i];
  if (next?.literal && has(spec.shellString, next.value.split("=")[0])) {
    const equals = next.value.indexOf("=");
    return equals > 0
      ? _shellRuns(
        wrapper,
        next.value.slice(0, equals),
        argumentOf(next, next.value.slice(equals + 1)),
      )
      : _shellRuns(wrapper, next.value, words[i + 1]);
  }
  const assignments: string[] = [];
  if (spec.assignments) {
    for (; i < words.length; i++) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(words[i].value);
      if (match === null) break;
      assignments.push(match[1]);
    }
  }
  if (viaShell !== undefined) {
    return _joined(wrapper, `${viaShell} runs the command through a shell`, words.slice(i));
  }
  if (spec.joinsWords !== undefined && !exec && i < words.length) {
    return _joined(wrapper, "runs its words as a command line through sh -c", words.slice(i));
  }
  if (i >= words.length) {
    if (!spec.shellWithoutCommand) return "not running";
    return { unjudgeable: `${wrapper} without a command starts a shell, which no rule sees` };
  }
  const guesses: Word[][] = [];
  if (unknownAt !== undefined) {
    for (let k = unknownAt + 1; k < words.length; k++) {
      if (k !== i && !(words[k].literal && words[k].value.startsWith("-"))) {
        guesses.push(words.slice(k));
      }
    }
  }
  return { commandAt: i, assignments, writes, guesses };
}

/** `su` and `script`: a shell runs the string of `-c`, or else reads commands from its input. */
function _readShellRunner(
  wrapper: string,
  spec: WrapperSpec,
  words: Word[],
): { unjudgeable: string; scripts?: string[] } | "not running" {
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    if (!word.literal) continue;
    if (word.value === "--") break;
    if (spec.notRunning?.includes(word.value)) return "not running";
    const equals = word.value.indexOf("=");
    if (word.value.startsWith("--") && equals > 0) {
      const key = word.value.slice(0, equals);
      if (spec.shellString?.includes(key)) {
        return _shellRuns(wrapper, key, { ...word, value: word.value.slice(equals + 1) });
      }
    }
    if (spec.shellString?.includes(word.value)) {
      return _shellRuns(wrapper, word.value, words[i + 1]);
    }
    const cluster = /^-([A-Za-z]*)c(.*)$/.exec(word.value);
    if (cluster !== null && spec.shellString?.includes("-c")) {
      const attached = cluster[2];
      return _shellRuns(wrapper, "-c", attached ? { ...word, value: attached } : words[i + 1]);
    }
  }
  return { unjudgeable: `${wrapper} starts a shell, which reads commands no rule sees` };
}

/**
 * GNU `parallel`: it runs command lines built from its words, through a shell. Its command
 * (before `:::`), or when it has none each argument after `:::`, is read as a command line.
 */
function _readParallel(words: Word[]): { unjudgeable: string; scripts?: string[] } {
  let i = 1;
  for (; i < words.length; i++) {
    const word = words[i];
    if (!word.literal || !word.value.startsWith("-") || /^:::/.test(word.value)) break;
    if (word.value === "--") {
      i++;
      break;
    }
    if (PARALLEL_WITH_ARGUMENT.includes(word.value)) i++;
  }
  const command: Word[] = [];
  for (; i < words.length && !/^::::?\+?$/.test(words[i].value); i++) command.push(words[i]);
  const why = "runs command lines built from its words through a shell";
  if (command.length > 0) return _joined("parallel", why, command);
  const scripts = words.slice(i).filter((word) => word.literal && !/^::::?\+?$/.test(word.value))
    .map((word) => word.value);
  return { unjudgeable: `parallel ${why}, which no rule sees`, scripts };
}

/** A `find` command split into what `find` itself does and the commands it runs. */
export interface FindCommand {
  /** `find` with its `-exec ... ;` parts taken out. */
  own: Word[];
  /** The commands of `-exec`, `-execdir`, `-ok` and `-okdir`, `{}` and all. */
  runs: Word[][];
  /** The files that `-fprint`, `-fprint0`, `-fprintf` and `-fls` write. */
  writes: Word[];
  /** Set when an `-exec` has no `;` or `+` at its end. */
  unjudgeable?: string;
}

const FIND_RUNS = new Set(["-exec", "-execdir", "-ok", "-okdir"]);
const FIND_WRITES = new Set(["-fprint", "-fprint0", "-fprintf", "-fls"]);

/**
 * Splits a `find` command: `find . -name '*.o' -exec rm {} ;` runs `rm {}`.
 *
 * @example
 * ```ts
 * import { splitFind } from "./wrappers.ts";
 * import { literalWord } from "./words.ts";
 * const find = splitFind(["find", ".", "-exec", "rm", "{}", ";"].map(literalWord));
 * console.log(find.runs.map((run) => run.map((w) => w.value))); // [["rm", "{}"]]
 * ```
 */
export function splitFind(words: Word[]): FindCommand {
  const result: FindCommand = { own: [], runs: [], writes: [] };
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word.literal && FIND_RUNS.has(word.value)) {
      const start = i + 1;
      let end = start;
      while (
        end < words.length &&
        !(words[end].literal && (words[end].value === ";" ||
          (words[end].value === "+" && words[end - 1]?.value === "{}")))
      ) end++;
      if (end === words.length) {
        return { ...result, unjudgeable: `find ${word.value} has no ";" or "+" at its end` };
      }
      result.own.push(word);
      if (end > start) result.runs.push(words.slice(start, end));
      i = end;
      continue;
    }
    result.own.push(word);
    if (word.literal && FIND_WRITES.has(word.value) && i + 1 < words.length) {
      result.writes.push(words[i + 1]);
    }
  }
  return result;
}
