/**
 * A command line split into the things the policy judges: each simple command (wherever it
 * sits: in a chain, a pipe, a subshell, a group, a loop, an `if`, a function body, a command
 * substitution), each redirection that writes a file, each construct that runs commands no
 * rule can see, and the places the parser could not read.
 *
 * @module
 */

import type { Node } from "web-tree-sitter";
import type { BashParser } from "./shell_parser.ts";
import { splitFind, unwrap } from "./wrappers.ts";
import { basename, literalWord, type Word, wordOf } from "./words.ts";

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
  /** Set when what it runs cannot be known before it runs: why. */
  unjudgeable?: string;
}

/** A redirection (or a `find -fprint`) that writes a file. */
export interface WritePart {
  kind: "write";
  /** The redirection as written, e.g. `>out.txt`. */
  text: string;
}

/** A construct that runs commands no rule sees: command or process substitution, a heredoc. */
export interface HiddenPart {
  kind: "hidden";
  /** The construct as written, e.g. `$(whoami)`. */
  text: string;
  /** Why no rule sees what it runs, as a sentence for the user. */
  reason: string;
}

/** An assignment to a variable that changes what later commands run (`PATH=...`). */
export interface SettingPart {
  kind: "setting";
  /** The assignment as written. */
  text: string;
  /** The variable it sets. */
  variable: string;
}

/** A place the parser could not read. */
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

/** Shells whose `-c STRING` runs a string, and which read commands from stdin without a script. */
const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash"]);

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
  "program",
  "list",
  "pipeline",
  "redirected_statement",
  "command",
  "subshell",
  "compound_statement",
  "do_group",
  "if_statement",
  "elif_clause",
  "else_clause",
  "while_statement",
  "for_statement",
  "case_statement",
  "function_definition",
  "negated_command",
  "declaration_command",
  "unset_command",
]);

/**
 * Splits a command line into the parts the policy judges, in the order they appear.
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
  return new _Analysis(parser, line, 0).run();
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

function _hasDescendant(node: Node, type: string): boolean {
  return node.descendantsOfType(type).length > 0;
}

class _Analysis {
  readonly #parser: BashParser;
  readonly #source: string;
  readonly #depth: number;
  readonly #parts: Part[] = [];
  /** `ERROR` nodes that are really a `<>` redirection, which the grammar lacks. */
  readonly #tolerated = new Set<number>();
  /** Words the parser left out of a command (`python3 - <<EOF` loses the `-`), by node id. */
  readonly #extraWords = new Map<number, Word[]>();
  #reportedError = false;

  constructor(parser: BashParser, source: string, depth: number) {
    this.#parser = parser;
    this.#source = source;
    this.#depth = depth;
  }

  run(): Part[] {
    const tree = this.#parser.parse(this.#source);
    try {
      this.#visit(tree.rootNode);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      this.#error(this.#source, "it is nested too deeply to read");
    } finally {
      tree.delete();
    }
    return this.#parts;
  }

  #visit(node: Node): void {
    if (node.isMissing) {
      const at = this.#position(node.startIndex);
      return this.#error(node.type, `missing ${JSON.stringify(node.type)} ${at}`);
    }
    switch (node.type) {
      case "ERROR":
        if (!this.#tolerated.has(node.id)) {
          const text = node.text.trim();
          const snippet = text.length > 30 ? `${text.slice(0, 29)}…` : text;
          const at = this.#position(node.startIndex + node.text.search(/\S|$/));
          this.#error(text, `unexpected ${JSON.stringify(snippet)} ${at}`);
          this.#visitChildren(node);
        }
        return;
      case "command":
        this.#checkGaps(node);
        return this.#command(node);
      case "variable_assignment":
        return this.#assignment(node);
      case "file_redirect":
        return this.#redirect(node);
      case "heredoc_redirect":
        this.#heredoc(node);
        return this.#visitChildren(node);
      case "command_substitution":
        this.#hidden(node, "command substitution can run commands no rule sees");
        return this.#visitChildren(node);
      case "process_substitution":
        this.#hidden(node, "process substitution can run commands no rule sees");
        return this.#visitChildren(node);
      default:
        if (STRUCTURAL.has(node.type)) this.#checkGaps(node);
        return this.#visitChildren(node);
    }
  }

  /** Where an index of the source is, for messages: `at line 1, column 8`. */
  #position(index: number): string {
    const before = this.#source.slice(0, index);
    const line = before.split("\n").length;
    return `at line ${line}, column ${index - before.lastIndexOf("\n")}`;
  }

  #visitChildren(node: Node): void {
    for (const child of node.children) this.#visit(child);
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
  #checkGaps(node: Node): void {
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
    for (const child of node.children) {
      gapAt(child.startIndex);
      at = Math.max(at, child.endIndex);
      previous = child;
    }
    gapAt(node.endIndex);
  }

  #command(node: Node): void {
    const name = node.childForFieldName("name");
    const assignments: Node[] = [];
    const args: Node[] = [];
    node.children.forEach((child, i) => {
      if (
        child.type === "variable_assignment" && name !== null && child.endIndex <= name.startIndex
      ) {
        assignments.push(child);
      } else if (node.fieldNameForChild(i) === "argument") {
        args.push(child);
      }
    });
    if (name === null) return this.#visitChildren(node);
    const words = [
      ...this.#joinContinuedWords([name, ...args]),
      ...(this.#extraWords.get(node.id) ?? []),
    ];
    const unsafe = assignments
      .map((assignment) => assignment.childForFieldName("name")?.text ?? "")
      .filter(isUnsafeVariable);
    this.#simpleCommand(_display(node.text), words, unsafe, { wrappers: [], allowPrefix: [] });
    for (const child of node.children) {
      // A leading assignment is the command's, not a setting of the shell: look inside only.
      if (assignments.includes(child)) this.#visitChildren(child);
      else this.#visit(child);
    }
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

  #simpleCommand(
    text: string,
    words: Word[],
    unsafe: string[],
    outer: { wrappers: Word[][]; allowPrefix: Word[] },
  ): void {
    const unwrapped = unwrap(words);
    const part: CommandPart = {
      kind: "command",
      text,
      words: unwrapped.words,
      wrappers: [...outer.wrappers, ...unwrapped.wrappers],
      allowPrefix: [...outer.allowPrefix, ...unwrapped.allowPrefix],
      unsafeVariables: [...unsafe, ...unwrapped.assignments.filter(isUnsafeVariable)],
    };
    const push = (unjudgeable?: string): void => {
      this.#parts.push(unjudgeable === undefined ? part : { ...part, unjudgeable });
    };
    if (unwrapped.unjudgeable !== undefined) return push(unwrapped.unjudgeable);
    const [name, ...args] = part.words;
    if (!name.literal) {
      return push(
        /\$\(|`/.test(name.text)
          ? "the command name comes from a command substitution, so no rule can judge it"
          : "the command name is a variable, so no rule can judge it",
      );
    }
    const program = basename(name.value);
    if (program === "find") {
      const find = splitFind(part.words);
      this.#parts.push({
        ...part,
        words: find.own,
        ...(find.unjudgeable !== undefined ? { unjudgeable: find.unjudgeable } : {}),
      });
      for (const target of find.writes) {
        if (!_isHarmlessTarget(target)) this.#parts.push({ kind: "write", text: target.text });
      }
      for (const run of find.runs) {
        const inner = { wrappers: part.wrappers, allowPrefix: part.allowPrefix };
        this.#simpleCommand(run.map((word) => word.text).join(" "), run, [], inner);
      }
      return;
    }
    if (SHELLS.has(program)) {
      const script = _shellScript(program, args);
      if (script !== undefined) {
        push(script.reason);
        if (script.source !== undefined) this.#nested(script.source);
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
    if (program === "trap" && args.length >= 2 && !args[0].value.startsWith("-")) {
      push("trap runs a string as commands later, which no rule sees");
      if (args[0].literal) this.#nested(args[0].value);
      return;
    }
    push();
  }

  /** Reads the string of `sh -c STRING` or `eval STRING` as a command line of its own. */
  #nested(source: string): void {
    if (this.#depth + 1 >= MAX_NESTING) return;
    this.#parts.push(...new _Analysis(this.#parser, source, this.#depth + 1).run());
  }

  #assignment(node: Node): void {
    const variable = node.childForFieldName("name")?.text ?? "";
    if (isUnsafeVariable(variable)) {
      this.#parts.push({ kind: "setting", text: _display(node.text), variable });
    }
    this.#visitChildren(node);
  }

  #redirect(node: Node): void {
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
    this.#visitChildren(node);
  }

  #heredoc(node: Node): void {
    const start = node.children.find((child) => child.type === "heredoc_start");
    const body = node.children.find((child) => child.type === "heredoc_body");
    if (start === undefined || body === undefined || /['"\\]/.test(start.text)) return;
    // The grammar misses some substitutions in a here-document (backquotes, `<<-` bodies).
    if (/\$\(|`/.test(body.text) && !_hasDescendant(body, "command_substitution")) {
      this.#parts.push({
        kind: "hidden",
        text: _display(`<<${start.text}`),
        reason: "a here-document holds a command substitution, which can run commands no rule sees",
      });
    }
  }
}

/**
 * What a shell command runs that no rule sees: a `-c` string, or commands from its input.
 * Undefined when it runs a script file (`bash build.sh`), which is judged as a command.
 */
function _shellScript(
  program: string,
  args: Word[],
): { reason: string; source?: string } | undefined {
  let command = false;
  let stdin = false;
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i];
    if (!arg.literal || !/^[-+]/.test(arg.value) || arg.value === "-" || arg.value === "--") break;
    if (arg.value === "--version" || arg.value === "--help") return undefined;
    if (/^[-+][oO]$/.test(arg.value)) {
      i++;
      continue;
    }
    if (/^-[A-Za-z]*c[A-Za-z]*$/.test(arg.value)) command = true;
    if (/^-[A-Za-z]*s[A-Za-z]*$/.test(arg.value)) stdin = true;
  }
  if (args[i]?.value === "-") stdin = true;
  if (args[i]?.value === "--" || args[i]?.value === "-") i++;
  if (command) {
    const script = args[i];
    return {
      reason: `${program} -c runs a string as commands no rule sees`,
      ...(script?.literal ? { source: script.value } : {}),
    };
  }
  if (stdin || i >= args.length) {
    return { reason: `${program} runs commands from its input, which no rule sees` };
  }
  return undefined;
}
