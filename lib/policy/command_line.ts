/**
 * A command line split into the things the policy judges: each simple command (wherever it
 * sits: in a chain, a pipe, a subshell, a group, a loop, an `if`, a function body, a command
 * substitution), each redirection that writes a file, each construct that runs commands no
 * rule can see, and the places the parser could not read.
 *
 * @module
 */

import type { Node, Tree } from "web-tree-sitter";
import { assignedVariables } from "./assigned_variables.ts";
import { heredocDelimiter } from "./heredoc.ts";
import { outputWrites } from "./output_options.ts";
import { gitSettingRuns } from "./programs.ts";
import type { BashParser } from "./shell_parser.ts";
import { isShell, shellScript } from "./shells.ts";
import { splitFind, unwrap, type Unwrapped } from "./wrappers.ts";
import { basename, decodeAnsiC, literalWord, type Word, wordOf } from "./words.ts";

/** A simple command, after leading assignments, quoting and wrappers are taken off. */
export interface CommandPart {
  kind: "command";
  /** The command as written, for messages. */
  text: string;
  /** The command that runs: its name and arguments. */
  words: Word[];
  /** The wrappers it was found in (`["sudo", "-u", "bob"]`, `["env"]`): deny rules see them too. */
  wrappers: Word[][];
  /** Wrapper words an allow rule must name as well (`sudo` and its options). */
  allowPrefix: Word[];
  /** Variables set for the command that change what it runs (`PATH`): allow rules do not apply. */
  unsafeVariables: string[];
  /**
   * Where the command may start instead, when a runner had options Pygent does not know
   * (`uv run --new-option x git push`): deny and ask rules see these too; no "always" rule.
   */
  guesses: Word[][];
  /** Set when what it runs cannot be known before it runs: why. */
  unjudgeable?: string;
}

/** A redirection, or an option (`sort -o`, `find -fprint`), that writes a file. */
export interface WritePart {
  kind: "write";
  /** The redirection as written, e.g. `>out.txt`. */
  text: string;
}

/**
 * A construct that runs commands no rule sees: a command or process substitution, text that
 * bash may run as one (`$(` in quotes: in an array subscript, arithmetic, `${x@P}`...).
 */
export interface HiddenPart {
  kind: "hidden";
  /** The construct as written, e.g. `$(whoami)`. */
  text: string;
  /** Why no rule sees what it runs, as a sentence for the user. */
  reason: string;
}

/**
 * An assignment to a variable that changes what later commands run (`PATH=...`,
 * `read PATH`), or a name reference that can set any (`declare -n`).
 */
export interface SettingPart {
  kind: "setting";
  /** The assignment as written. */
  text: string;
  /** The variable it sets. */
  variable: string;
}

/** A place the parser could not read, or a line too long or too slow to read. */
export interface ErrorPart {
  kind: "error";
  /** The text it could not read. */
  text: string;
  /** What went wrong, e.g. `unexpected ")" at line 1, column 8`. */
  reason: string;
}

/** One thing a command line does that the policy judges. */
export type Part = CommandPart | WritePart | HiddenPart | SettingPart | ErrorPart;

/** How deep `sh -c '...'` and `eval '...'` strings are read again (the string in the string...). */
const MAX_NESTING = 4;

/**
 * The longest command line that is read. The grammar's error recovery is quadratic on some
 * inputs (10 KB of unmatched `)` take seconds); with the time budget below, a line up to this
 * length is read, or given up, in about half a second at worst.
 */
export const MAX_LINE_LENGTH = 32 * 1024;

/**
 * How long reading one command line may take, in milliseconds, its nested strings included. Far
 * above what a real line takes (a 30 KB chain parses in a few ms), since a busy machine can be
 * ten times slower and a line given up asks; low enough that a pathological line does not freeze
 * the session.
 */
export const PARSE_BUDGET_MS = 500;

/** How many times a line is read again after a reserved word the grammar misread is blanked. */
const MAX_REREADS = 8;

/** Reserved words that start a compound command: after `!` or `time`, the grammar misreads them. */
const COMPOUND_OPENERS = new Set([
  ...["{", "if", "while", "until", "for", "case", "select", "[[", "((", "function", "!"],
  ...["time", "coproc"],
]);

/** `declare`-like builtins whose `-n` makes a name reference (`declare -n p=PATH`). */
const NAMEREF_BUILTINS = new Set(["declare", "typeset", "local"]);

/** Variables that decide which program or library runs, or what a shell runs by itself. */
const UNSAFE_VARIABLE =
  /^(PATH|IFS|ENV|BASH_ENV|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|PAGER|EDITOR|VISUAL|LD_\w+|DYLD_\w+|BASH_FUNC_.+|GIT_(SSH|SSH_COMMAND|EXTERNAL_DIFF|PAGER|EDITOR|SEQUENCE_EDITOR|ASKPASS|EXEC_PATH|PROXY_COMMAND|DIR|CONFIG\w*)|PYTHON(PATH|STARTUP|HOME)|NODE_(OPTIONS|PATH)|PERL5(OPT|LIB)|PERLLIB|RUBY(OPT|LIB))$/;

/**
 * Whether setting a variable changes which program runs or what code it loads.
 *
 * @example
 * ```ts
 * import { isUnsafeVariable } from "./command_line.ts";
 * console.log(isUnsafeVariable("PATH"), isUnsafeVariable("DEBUG")); // true false
 * ```
 */
export function isUnsafeVariable(name: string): boolean {
  return UNSAFE_VARIABLE.test(name);
}

/** Redirection operators that write a file. */
const WRITE_OPERATORS = new Set([">", ">>", ">|", "&>", "&>>", "<>"]);

/** Nodes whose text between their children must be blank: anything else is text the parser lost. */
const STRUCTURAL = new Set([
  ...["program", "list", "pipeline", "redirected_statement", "command", "subshell"],
  ...["compound_statement", "do_group", "if_statement", "elif_clause", "else_clause"],
  ...["while_statement", "for_statement", "case_statement", "function_definition"],
  ...["negated_command", "declaration_command", "unset_command"],
]);

/**
 * Splits a command line into the parts the policy judges, in the order they appear (text that
 * bash may run as a command substitution last). NUL characters are dropped first, as bash
 * drops them when it reads a command. A line over {@linkcode MAX_LINE_LENGTH}, or one that
 * takes over {@linkcode PARSE_BUDGET_MS} to read, is one error part.
 *
 * @example
 * ```ts
 * import { analyzeCommandLine } from "./command_line.ts";
 * import { loadBashParser } from "./shell_parser.ts";
 * const parts = analyzeCommandLine(await loadBashParser(), "cd src && make > log.txt");
 * console.log(parts.map((p) => `${p.kind}: ${p.text}`)); // ["command: cd src", "command: make", "write: >log.txt"]
 * ```
 */
export function analyzeCommandLine(parser: BashParser, line: string): Part[] {
  const source = line.includes("\0") ? line.replaceAll("\0", "") : line;
  if (source.length > MAX_LINE_LENGTH) {
    return [{
      kind: "error",
      text: _display(source),
      reason: `it is too long to check (${source.length} characters; the limit is ` +
        `${MAX_LINE_LENGTH})`,
    }];
  }
  return _analyze(parser, source, 0, performance.now() + PARSE_BUDGET_MS, true);
}

/**
 * Reads one command line (the whole line, or a string run by `sh -c`...). When the grammar
 * misread a compound command after `!` or `time` (`! { git push; }`), the line is read again
 * with that `!` or `time` blanked out: they change the exit status or the timing, not what runs.
 */
function _analyze(
  parser: BashParser,
  source: string,
  depth: number,
  deadline: number,
  bash: boolean,
): Part[] {
  let text = source;
  for (let reread = 0; reread <= MAX_REREADS; reread++) {
    const analysis = new _Analysis(parser, text, depth, deadline);
    const parts = analysis.run();
    if (analysis.blanks.length === 0) {
      return bash ? parts : parts.filter((part) => part.kind !== "error");
    }
    for (const [start, end] of analysis.blanks) {
      text = text.slice(0, start) + " ".repeat(end - start) + text.slice(end);
    }
  }
  return [{ kind: "error", text: _display(source), reason: "it nests too many `!` and `time`" }];
}

/** A harmless target of a write: a device that is no file in the workspace. */
function _isHarmlessTarget(target: Word): boolean {
  return target.literal &&
    (["/dev/null", "/dev/stdout", "/dev/stderr"].includes(target.value) ||
      /^\/dev\/fd\/\d+$/.test(target.value));
}

/** How a part's text is shown: one line, not too long. */
function _display(text: string): string {
  const line = text.replace(/\\\n\s*/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** Why a command whose name is not literal cannot be judged. */
function _unliteralName(name: Word): string {
  switch (name.expansion) {
    case "substitution":
      return "the command name comes from a command substitution, so no rule can judge it";
    case "glob":
      return `the command name is a glob pattern (${name.text}), which matches file names ` +
        "only when it runs, so no rule can judge it";
    case "tilde":
      return `the command name starts with ~ (${name.text}), so no rule can judge it`;
    case "brace":
      return `the command name is a brace expansion Pygent cannot expand (${name.text}), ` +
        "so no rule can judge it";
    default:
      return "the command name is a variable, so no rule can judge it";
  }
}

/** The outer context of a simple command: what it was found in. */
interface Outer {
  wrappers: Word[][];
  allowPrefix: Word[];
  guesses: Word[][];
  /** Why the command cannot be judged, when its context says (a brace-expanded name). */
  unjudgeable?: string;
}

const NO_OUTER: Outer = { wrappers: [], allowPrefix: [], guesses: [] };

class _Analysis {
  readonly #parser: BashParser;
  readonly #source: string;
  readonly #depth: number;
  readonly #deadline: number;
  readonly #parts: Part[] = [];
  /** `ERROR` nodes that are really a `<>` redirection, which the grammar lacks. */
  readonly #tolerated = new Set<number>();
  /** Words the parser left out of a command (`python3 - <<EOF` loses the `-`), by node id. */
  readonly #extraWords = new Map<number, Word[]>();
  /** Where the tree shows a command substitution (or arithmetic) starting or a backquote. */
  readonly #shown = new Set<number>();
  /** The bodies of here-documents that bash does not expand (`<<'EOF'`). */
  readonly #literalBodies: [number, number][] = [];
  /** The bodies of here-documents that bash expands. */
  readonly #expandedBodies: [number, number][] = [];
  #reportedError = false;
  /** Ranges of `!` and `time` to blank before reading the line again. */
  readonly blanks: [number, number][] = [];

  constructor(parser: BashParser, source: string, depth: number, deadline: number) {
    this.#parser = parser;
    this.#source = source;
    this.#depth = depth;
    this.#deadline = deadline;
  }

  run(): Part[] {
    const tree = this.#parser.parseWithin(this.#source, this.#deadline);
    if (tree === undefined) {
      this.#error(
        this.#source,
        `it takes too long to read (over ${PARSE_BUDGET_MS} ms; a long run of unmatched ` +
          "brackets or quotes can do that)",
      );
      return this.#parts;
    }
    try {
      this.#walk(tree.rootNode);
      this.#unseenSubstitutions(tree);
    } finally {
      tree.delete();
    }
    return this.#parts;
  }

  /** Visits the tree in order, without recursion: a chain of 20,000 commands is 20,000 deep. */
  #walk(root: Node): void {
    const stack: Node[] = [root];
    while (stack.length > 0) {
      const next = this.#visit(stack.pop() as Node);
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]);
    }
  }

  /** Judges what a node is, and returns the nodes to visit next, in order. */
  #visit(node: Node): Node[] {
    if (node.isMissing) {
      const at = this.#position(node.startIndex);
      this.#error(node.type, `missing ${JSON.stringify(node.type)} ${at}`);
      return [];
    }
    switch (node.type) {
      case "ERROR": {
        if (this.#tolerated.has(node.id)) return [];
        const text = node.text.trim();
        const snippet = text.length > 30 ? `${text.slice(0, 29)}…` : text;
        const at = this.#position(node.startIndex + node.text.search(/\S|$/));
        this.#error(text, `unexpected ${JSON.stringify(snippet)} ${at}`);
        return node.children;
      }
      case "command":
        return this.#command(node, node.children);
      case "variable_assignment":
        return this.#assignment(node);
      case "declaration_command": {
        const children = node.children;
        this.#checkGaps(node, children);
        this.#declaration(node, children);
        return children;
      }
      case "file_redirect":
        return this.#redirect(node);
      case "heredoc_redirect":
        this.#heredoc(node);
        return node.children;
      case "command_substitution":
        this.#shown.add(node.startIndex);
        if (node.text.startsWith("`")) this.#shown.add(node.endIndex - 1);
        this.#hidden(node, "command substitution can run commands no rule sees");
        return node.children;
      case "arithmetic_expansion":
        this.#shown.add(node.startIndex);
        return node.children;
      case "process_substitution":
        this.#hidden(node, "process substitution can run commands no rule sees");
        return node.children;
      case "expansion": {
        const children = node.children;
        this.#expansion(node, children);
        return children;
      }
      case "ansi_c_string":
        if (/\$\(|`/.test(decodeAnsiC(node.text.slice(2, -1)))) {
          this.#hidden(node, "its value holds text that bash may run as a command substitution");
        }
        return [];
      default: {
        const children = node.children;
        if (STRUCTURAL.has(node.type)) this.#checkGaps(node, children);
        return children;
      }
    }
  }

  /** Where an index of the source is, for messages: `at line 1, column 8`. */
  #position(index: number): string {
    const before = this.#source.slice(0, index);
    const line = before.split("\n").length;
    return `at line ${line}, column ${index - before.lastIndexOf("\n")}`;
  }

  #error(text: string, reason: string): void {
    if (this.#reportedError) return;
    this.#reportedError = true;
    this.#parts.push({ kind: "error", text: _display(text), reason });
  }

  #hidden(node: Node, reason: string): void {
    this.#parts.push({ kind: "hidden", text: _display(node.text), reason });
  }

  /** Text between a node's children that no child holds: words the parser lost, or an error. */
  #checkGaps(node: Node, children: Node[]): void {
    let at = node.startIndex;
    let previous: Node | null = null;
    const gapAt = (end: number) => {
      const gap = this.#source.slice(at, end).replace(/\\\n/g, " ");
      if (gap.trim() === "") return;
      const words = gap.trim().split(/\s+/);
      if (
        node.type === "redirected_statement" && previous?.type === "command" &&
        words.every((word) => /^[A-Za-z0-9_@%+=:,./-]+$/.test(word))
      ) {
        const known = this.#extraWords.get(previous.id) ?? [];
        this.#extraWords.set(previous.id, [...known, ...words.map(literalWord)]);
        return;
      }
      const where = this.#position(at + this.#source.slice(at, end).search(/\S|$/));
      this.#error(gap, `the parser skipped ${JSON.stringify(gap.trim())} ${where}`);
    };
    for (const child of children) {
      gapAt(child.startIndex);
      at = Math.max(at, child.endIndex);
      previous = child;
    }
    gapAt(node.endIndex);
  }

  #command(node: Node, children: Node[]): Node[] {
    this.#checkGaps(node, children);
    const name = node.childForFieldName("name");
    const assignments: Node[] = [];
    const args: Node[] = [];
    children.forEach((child, i) => {
      if (
        child.type === "variable_assignment" && name !== null && child.endIndex <= name.startIndex
      ) {
        assignments.push(child);
      } else if (node.fieldNameForChild(i) === "argument") {
        args.push(child);
      }
    });
    if (name === null) return children;
    const words = [
      ...this.#joinContinuedWords([name, ...args]),
      ...(this.#extraWords.get(node.id) ?? []),
    ];
    const first = words[0].text;
    if (
      (first === "time" || COMPOUND_OPENERS.has(first)) && this.#misreadCompound(node, name, args)
    ) return [];
    const unsafe = assignments
      .map((assignment) => assignment.childForFieldName("name")?.text ?? "")
      .filter(isUnsafeVariable);
    this.#simpleCommand(_display(node.text), words, unsafe, NO_OUTER);
    // A leading assignment is the command's, not a setting of the shell: look inside only.
    if (assignments.length === 0) return children;
    return children.flatMap((child) => assignments.includes(child) ? child.children : [child]);
  }

  /**
   * Whether the grammar read a compound command after `!` or `time` as a simple command
   * (`! { git push; }` as the command `{`): then the `!` or `time` is to be blanked, and the
   * line read again.
   */
  #misreadCompound(node: Node, name: Node, args: Node[]): boolean {
    // `node.parent` walks down from the root: ask for it only when it may matter.
    const parent = COMPOUND_OPENERS.has(name.text) ? node.parent : null;
    if (parent?.type === "negated_command") {
      const bang = parent.child(0);
      if (bang !== null && bang.type === "!") {
        this.blanks.push([bang.startIndex, bang.endIndex]);
        return true;
      }
    }
    if (name.text !== "time") return false;
    let i = 0;
    while (i < args.length && ["-p", "--"].includes(args[i].text)) i++;
    if (i >= args.length || !COMPOUND_OPENERS.has(args[i].text)) return false;
    this.blanks.push([name.startIndex, args[i].startIndex]);
    return true;
  }

  /**
   * The words of a command. The grammar takes `\` + newline for a space, but the shell removes
   * it before it splits words: `r\` + newline + `m -rf /` runs `rm`. Nodes that only such a
   * continuation separates are one word.
   */
  #joinContinuedWords(nodes: Node[]): Word[] {
    const words: Word[] = [];
    let previous: Node | undefined;
    for (const node of nodes) {
      const word = wordOf(node);
      const last = words[words.length - 1];
      if (
        previous !== undefined && last !== undefined &&
        this.#source.slice(previous.endIndex, node.startIndex) === "\\\n"
      ) {
        words[words.length - 1] = {
          value: last.value + word.value,
          literal: last.literal && word.literal,
          text: `${last.text}\\\n${word.text}`,
        };
      } else {
        words.push(word);
      }
      previous = node;
    }
    return words;
  }

  #simpleCommand(text: string, words: Word[], unsafe: string[], outer: Outer): void {
    const unwrapped = unwrap(words);
    const after: Part[] = [];
    try {
      this.#judgeSimple(text, unwrapped, unsafe, outer, after);
    } finally {
      this.#parts.push(...after);
    }
  }

  /**
   * The parts of a simple command with its wrappers taken off: the command, and what it runs
   * that it names (`sh -c STRING`, `find -exec`...). The files it writes and the variables it
   * sets go to `after`, to follow it.
   */
  #judgeSimple(
    text: string,
    unwrapped: Unwrapped,
    unsafe: string[],
    outer: Outer,
    after: Part[],
  ): void {
    const part: CommandPart = {
      kind: "command",
      text,
      words: unwrapped.words,
      wrappers: [...outer.wrappers, ...unwrapped.wrappers],
      allowPrefix: [...outer.allowPrefix, ...unwrapped.allowPrefix],
      unsafeVariables: [...unsafe, ...unwrapped.assignments.filter(isUnsafeVariable)],
      guesses: [...outer.guesses, ...unwrapped.guesses],
    };
    const push = (unjudgeable = outer.unjudgeable): void => {
      this.#parts.push(unjudgeable === undefined ? part : { ...part, unjudgeable });
    };
    for (const write of [...unwrapped.writes, ...outputWrites(part.words)]) {
      if (!_isHarmlessTarget(write.target)) after.push({ kind: "write", text: write.text });
    }
    if (unwrapped.unjudgeable !== undefined) {
      push(unwrapped.unjudgeable);
      for (const script of unwrapped.scripts) this.#nested(script);
      return;
    }
    const [name, ...args] = part.words;
    if (!name.literal) {
      if (name.braceWords === undefined) return push(_unliteralName(name));
      // `{rm,-rf,/}` runs `rm -rf /`: deny and ask rules see that; no allow rule can judge it.
      const braced = [...name.braceWords, ...args];
      if (braced.length === 0) return;
      const why = `the command name is a brace expansion (${name.text}), so no allow rule can ` +
        "judge it";
      return this.#simpleCommand(text, braced, part.unsafeVariables, {
        wrappers: part.wrappers,
        allowPrefix: part.allowPrefix,
        guesses: part.guesses,
        unjudgeable: outer.unjudgeable ?? why,
      });
    }
    const program = basename(name.value);
    for (const variable of assignedVariables(part.words)) {
      if (!variable.literal || isUnsafeVariable(variable.value)) {
        after.push({ kind: "setting", text, variable: variable.value });
      }
    }
    if (program === "git") {
      const runs = gitSettingRuns(args);
      if (runs !== undefined) {
        push(runs);
        // A shell alias (`alias.x=!git push`) is read as a command line.
        for (const arg of args) {
          const alias = /^alias\.[^=]*=!(.*)$/s.exec(arg.value);
          if (arg.literal && alias !== null) this.#nested(alias[1]);
        }
        return;
      }
    }
    if (program === "find") {
      const find = splitFind(part.words);
      const unjudgeable = find.unjudgeable ?? outer.unjudgeable;
      this.#parts.push({ ...part, words: find.own, ...(unjudgeable ? { unjudgeable } : {}) });
      for (const target of find.writes) {
        if (!_isHarmlessTarget(target)) this.#parts.push({ kind: "write", text: target.text });
      }
      for (const run of find.runs) {
        const inner = {
          wrappers: part.wrappers,
          allowPrefix: part.allowPrefix,
          guesses: part.guesses,
        };
        this.#simpleCommand(run.map((word) => word.text).join(" "), run, [], inner);
      }
      return;
    }
    if (isShell(program)) {
      const script = shellScript(program, args);
      if (script !== undefined) {
        push(script.reason);
        for (const source of script.sources) this.#nested(source, script.bash);
        return;
      }
    }
    if (program === "eval") {
      push("eval runs its arguments as commands no rule sees");
      if (args.every((arg) => arg.literal)) this.#nested(args.map((arg) => arg.value).join(" "));
      return;
    }
    if (program === "source" || program === ".") {
      return push(`${program} runs the commands of a script no rule sees`);
    }
    if (program === "alias" && args.some((arg) => arg.value.includes("="))) {
      push("alias makes a name run a command later, which no rule sees");
      for (const arg of args) {
        const equals = arg.value.indexOf("=");
        if (arg.literal && equals > 0) this.#nested(arg.value.slice(equals + 1));
      }
      return;
    }
    if (program === "coproc" && args.length > 0) {
      // `coproc NAME { cmd; }` is beyond the grammar: judge what can be seen of the command.
      push("coproc runs a command in the background that Pygent cannot read reliably");
      const inner = ["{", "("].includes(args[1]?.value) ? args.slice(2) : args;
      if (inner.length > 0) this.#simpleCommand(text, inner, [], outer);
      return;
    }
    if (program === "trap") {
      const [action, ...signals] = args[0]?.value === "--" ? args.slice(1) : args;
      if (action !== undefined && signals.length > 0 && action.value !== "-") {
        push("trap runs a string as commands later, which no rule sees");
        if (action.literal) this.#nested(action.value);
        return;
      }
    }
    push();
  }

  /** Reads the string of `sh -c STRING` or `eval STRING` as a command line of its own. */
  #nested(source: string, bash = true): void {
    if (this.#depth + 1 >= MAX_NESTING) return;
    const parts = _analyze(this.#parser, source, this.#depth + 1, this.#deadline, bash);
    this.#parts.push(...parts);
  }

  #assignment(node: Node): Node[] {
    const variable = node.childForFieldName("name")?.text ?? "";
    if (isUnsafeVariable(variable)) {
      this.#parts.push({ kind: "setting", text: _display(node.text), variable });
    }
    return node.children;
  }

  /** `declare -n p=PATH` makes `p` another name of `PATH`: setting `p` then sets `PATH`. */
  #declaration(node: Node, children: Node[]): void {
    const keyword = children[0]?.type ?? "";
    if (!NAMEREF_BUILTINS.has(keyword)) return;
    const nameref = children.some((child) =>
      child.type === "word" && /^-[A-Za-z]*n/.test(child.text)
    );
    if (!nameref) return;
    const names = children
      .map((child) =>
        child.type === "variable_name"
          ? child.text
          : child.type === "variable_assignment"
          ? child.childForFieldName("name")?.text
          : undefined
      )
      .filter((name) => name !== undefined);
    this.#parts.push({
      kind: "setting",
      text: _display(node.text),
      variable: `${names.join(", ") || "a variable"} (a name reference, which can stand for PATH)`,
    });
  }

  /**
   * `${x@P}` runs the command substitutions in `x`'s value, `${x@E}` makes them of escapes,
   * and `${!x}` reads the variable `x` names, whose subscript bash evaluates (`a[$(cmd)]`).
   */
  #expansion(node: Node, children: Node[]): void {
    const at = children.findIndex((child) => child.type === "@");
    const operator = at >= 0 ? children[at + 1]?.type : undefined;
    if (operator === "P" || operator === "E") {
      this.#hidden(
        node,
        `\${…@${operator}} expands the variable's value as ${
          operator === "P" ? "a prompt, running its command substitutions" : "escapes"
        }, which no rule sees`,
      );
      return;
    }
    if (children[1]?.type !== "!") return;
    const target = children[2];
    const listing = target?.type === "subscript"
      ? /\[[@*]\]$/.test(target.text)
      : ["@", "*"].includes(children[3]?.type ?? "") || target?.type === "#";
    if (!listing) {
      this.#hidden(
        node,
        "an indirect expansion reads the variable another names, whose subscript bash can run " +
          "as a command substitution",
      );
    }
  }

  #redirect(node: Node): Node[] {
    let operator = "";
    let descriptor = "";
    let destination: Node | null = null;
    node.children.forEach((child, i) => {
      const field = node.fieldNameForChild(i);
      if (field === "descriptor") descriptor = child.text;
      else if (field === "destination") destination ??= child;
      else if (child.type === "ERROR" && operator === "<" && child.text === ">") {
        operator = "<>";
        this.#tolerated.add(child.id);
      } else if (!child.isNamed && operator === "") operator = child.type;
    });
    const target = destination === null ? undefined : wordOf(destination);
    const writes = WRITE_OPERATORS.has(operator) ||
      (operator === ">&" && target !== undefined && !/^(\d+|-)$/.test(target.value));
    if (writes && target !== undefined && !_isHarmlessTarget(target)) {
      this.#parts.push({ kind: "write", text: `${descriptor}${operator}${target.text}` });
    }
    return node.children;
  }

  /**
   * Checks that the grammar ends a here-document where bash does: at the first line equal to
   * the delimiter as bash reads it (`<<$'X'` ends at `X`). When not, what bash runs after the
   * document could hide in it: a parse error.
   */
  #heredoc(node: Node): void {
    const operator = node.children.find((child) => child.type === "<<" || child.type === "<<-");
    const body = node.children.find((child) => child.type === "heredoc_body");
    const end = node.children.find((child) => child.type === "heredoc_end");
    if (operator === undefined) return;
    const delimiter = heredocDelimiter(this.#source.slice(operator.endIndex));
    const where = this.#position(operator.startIndex);
    if (delimiter === undefined) {
      return this.#error(node.text, `Pygent cannot read the here-document delimiter ${where}`);
    }
    if (body !== undefined) {
      (delimiter.quoted ? this.#literalBodies : this.#expandedBodies)
        .push([body.startIndex, body.endIndex]);
    }
    const lineStart = (index: number) => this.#source.lastIndexOf("\n", index - 1) + 1;
    const endLine = end === undefined ? undefined : lineStart(end.startIndex);
    const first = body !== undefined ? lineStart(body.startIndex) : endLine;
    if (first === undefined) return;
    const last = endLine ?? body?.endIndex ?? first;
    const lines = this.#source.slice(first, last).split("\n");
    if (endLine !== undefined) lines.pop();
    const newline = this.#source.indexOf("\n", endLine ?? last);
    if (endLine !== undefined) {
      lines.push(this.#source.slice(endLine, newline < 0 ? undefined : newline));
    }
    const strip = (line: string) => operator.type === "<<-" ? line.replace(/^\t+/, "") : line;
    const ends = lines.findIndex((line) => strip(line) === delimiter.value);
    const expected = endLine === undefined ? -1 : lines.length - 1;
    if (ends !== expected) {
      const said = JSON.stringify(delimiter.value);
      this.#error(
        node.text,
        `the here-document ${where} ends on another line for bash than for the parser ` +
          `(bash's delimiter is ${said})`,
      );
    }
  }

  /**
   * Text that bash may run as a command substitution though the tree shows none: a `$(` or a
   * backquote in quotes or in a here-document the grammar did not expand. Bash runs such text
   * when it becomes an array subscript or arithmetic (`declare 'a[$(cmd)]'`, `(( x ))` with
   * `x='a[$(cmd)]'`). Conservative: `echo '$(date)'` is hidden too.
   */
  #unseenSubstitutions(tree: Tree): void {
    if (!this.#source.includes("$(") && !this.#source.includes("`")) return;
    const pattern = /\$\(|`/g;
    const reported = new Set<number>();
    const inside = (ranges: [number, number][], at: number) =>
      ranges.some(([start, end]) => at >= start && at < end);
    for (const match of this.#source.matchAll(pattern)) {
      const at = match.index;
      if (this.#shown.has(at) || inside(this.#literalBodies, at)) continue;
      let node: Node | null = tree.rootNode.descendantForIndex(at, at + 1);
      while (node !== null && !node.isNamed) node = node.parent;
      if (node === null || reported.has(node.id)) continue;
      reported.add(node.id);
      this.#hidden(
        node,
        inside(this.#expandedBodies, at)
          ? "a here-document holds a command substitution, which can run commands no rule sees"
          : "text that bash may run as a command substitution ($( or a backquote inside quotes)",
      );
    }
  }
}
