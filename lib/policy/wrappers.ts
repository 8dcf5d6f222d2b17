/**
 * Commands that run another command: `env A=1 nice -n 5 git push` runs `git push`. The policy
 * judges the command inside, so a wrapper neither hides a denied command nor needs a rule of
 * its own (except `sudo`, which an allow rule must name: `sudo git status`). A wrapper with an
 * option this module cannot read cannot be judged.
 *
 * @module
 */

import { basename, type Word } from "./words.ts";

/** A command with the wrappers around it taken off. */
export interface Unwrapped {
  /** The command that runs in the end. */
  words: Word[];
  /** Each wrapper seen through, with its options (`["env", "-i"]`), outermost first. */
  wrappers: Word[][];
  /** Wrapper words that an allow rule must name too: `sudo` and its options. */
  allowPrefix: Word[];
  /** Variables that `env NAME=value` sets for the command. */
  assignments: string[];
  /** Set when a wrapper's options could not be read: why the command cannot be judged. */
  unjudgeable?: string;
}

/** How a wrapper's options are read. */
interface WrapperSpec {
  /** Options without an argument. */
  flags?: readonly string[];
  /** Options that take an argument: the next word, or attached (`-n5`, `--signal=KILL`). */
  withArgument?: readonly string[];
  /** Options whose argument can only be attached (`xargs -i{}`). */
  optionalArgument?: readonly string[];
  /** Options that make the wrapper do something else than run a command (`command -v`). */
  notRunning?: readonly string[];
  /** Options that run the command through a shell (`sudo -s`): it cannot be judged. */
  viaShell?: readonly string[];
  /** Words after the options that belong to the wrapper (`timeout`'s duration). */
  operands?: number;
  /** `NAME=value` words after the options set variables (`env`). */
  assignments?: boolean;
  /** `nice -5`: a dash and a number is an option. */
  numericOption?: boolean;
  /** An allow rule must name this wrapper (it changes who runs the command). */
  namedByAllowRules?: boolean;
}

const WRAPPERS: Record<string, WrapperSpec> = {
  command: { flags: ["-p"], notRunning: ["-v", "-V"] },
  builtin: {},
  busybox: {},
  exec: { flags: ["-c", "-l"], withArgument: ["-a"] },
  nohup: {},
  time: {
    flags: ["-p", "-v", "--verbose", "-a", "--append", "--portability", "-q", "--quiet"],
    withArgument: ["-f", "--format", "-o", "--output"],
  },
  env: {
    flags: ["-i", "-", "--ignore-environment", "-0", "--null", "-v", "--debug"],
    withArgument: ["-u", "--unset", "-C", "--chdir"],
    assignments: true,
  },
  nice: { withArgument: ["-n", "--adjustment"], numericOption: true },
  timeout: {
    flags: ["--preserve-status", "--foreground", "-v", "--verbose"],
    withArgument: ["-k", "--kill-after", "-s", "--signal"],
    operands: 1,
  },
  sudo: {
    flags: [
      "-A",
      "--askpass",
      "-b",
      "--background",
      "-E",
      "--preserve-env",
      "-H",
      "--set-home",
      "-k",
      "--reset-timestamp",
      "-n",
      "--non-interactive",
      "-P",
      "--preserve-groups",
      "-S",
      "--stdin",
    ],
    withArgument: [
      "-C",
      "--close-from",
      "-D",
      "--chdir",
      "-g",
      "--group",
      "-h",
      "--host",
      "-p",
      "--prompt",
      "-r",
      "--role",
      "-t",
      "--type",
      "-T",
      "--command-timeout",
      "-U",
      "--other-user",
      "-u",
      "--user",
    ],
    notRunning: [
      "-e",
      "--edit",
      "-K",
      "--remove-timestamp",
      "-l",
      "--list",
      "-v",
      "--validate",
      "-V",
      "--version",
    ],
    viaShell: ["-i", "--login", "-s", "--shell"],
    namedByAllowRules: true,
  },
  stdbuf: { withArgument: ["-i", "--input", "-o", "--output", "-e", "--error"] },
  xargs: {
    flags: [
      "-0",
      "--null",
      "-o",
      "--open-tty",
      "-p",
      "--interactive",
      "-r",
      "--no-run-if-empty",
      "-t",
      "--verbose",
      "-x",
      "--exit",
    ],
    withArgument: [
      "-a",
      "--arg-file",
      "-d",
      "--delimiter",
      "-E",
      "-I",
      "-L",
      "-n",
      "--max-args",
      "-P",
      "--max-procs",
      "-s",
      "--max-chars",
      "--process-slot-var",
    ],
    optionalArgument: ["-e", "--eof", "-i", "--replace", "-l", "--max-lines"],
  },
};

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
  const result: Unwrapped = { words, wrappers: [], allowPrefix: [], assignments: [] };
  for (let depth = 0; depth < MAX_WRAPPERS; depth++) {
    const name = result.words[0];
    if (name === undefined || !name.literal) return result;
    const wrapper = basename(name.value);
    const spec = Object.hasOwn(WRAPPERS, wrapper) ? WRAPPERS[wrapper] : undefined;
    if (spec === undefined) return result;
    const read = _readWrapper(wrapper, spec, result.words);
    if (read === "not running") return result;
    if (typeof read === "object" && "unjudgeable" in read) {
      return { ...result, unjudgeable: read.unjudgeable };
    }
    const layer = result.words.slice(0, read.commandAt);
    result.wrappers.push(layer);
    if (spec.namedByAllowRules) result.allowPrefix.push(...layer);
    result.assignments.push(...read.assignments);
    result.words = result.words.slice(read.commandAt);
  }
  return { ...result, unjudgeable: "it nests too many wrapper commands" };
}

type ReadWrapper =
  | { commandAt: number; assignments: string[] }
  | { unjudgeable: string }
  | "not running";

/** Reads a wrapper's options and operands: where its command starts. */
function _readWrapper(wrapper: string, spec: WrapperSpec, words: Word[]): ReadWrapper {
  const has = (list: readonly string[] | undefined, option: string) =>
    list !== undefined && list.includes(option);
  const cannotRead = (word: Word) => ({
    unjudgeable: `${wrapper} has an option Pygent cannot read (${word.text}), ` +
      "so the command it runs cannot be judged",
  });
  let i = 1;
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
    if (has(spec.viaShell, option)) {
      return { unjudgeable: `${wrapper} ${option} runs the command through a shell` };
    }
    if (has(spec.flags, option) || has(spec.optionalArgument, option)) continue;
    if (spec.numericOption && /^-\d+$/.test(option)) continue;
    if (option.startsWith("--")) {
      const equals = option.indexOf("=");
      if (equals > 0) {
        const key = option.slice(0, equals);
        if ([spec.withArgument, spec.flags, spec.optionalArgument].some((l) => has(l, key))) {
          continue;
        }
        return cannotRead(word);
      }
      if (has(spec.withArgument, option)) {
        i++;
        continue;
      }
      return cannotRead(word);
    }
    // A cluster of short options: "-EH", "-n5", "-u" "bob".
    let consumedNext = false;
    let readable = true;
    for (let j = 1; j < option.length; j++) {
      const short = `-${option[j]}`;
      if (has(spec.notRunning, short)) return "not running";
      if (has(spec.viaShell, short)) {
        return { unjudgeable: `${wrapper} ${short} runs the command through a shell` };
      }
      if (has(spec.flags, short)) continue;
      if (has(spec.optionalArgument, short)) break;
      if (has(spec.withArgument, short)) {
        if (j === option.length - 1) consumedNext = true;
        break;
      }
      readable = false;
      break;
    }
    if (!readable) return cannotRead(word);
    if (consumedNext) i++;
  }
  if (i > words.length) return cannotRead(words[words.length - 1]);
  for (let n = 0; n < (spec.operands ?? 0); n++, i++) {
    if (i >= words.length) return "not running";
  }
  const assignments: string[] = [];
  if (spec.assignments) {
    for (; i < words.length; i++) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(words[i].value);
      if (match === null) break;
      assignments.push(match[1]);
    }
  }
  if (i >= words.length) return "not running";
  return { commandAt: i, assignments };
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
