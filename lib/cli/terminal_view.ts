/**
 * The view for people: the session's first line, the assistant's text as
 * Markdown while it streams, each tool call as a framed block, a spinner while
 * the model thinks, a bar while an image is pulled, and, in a call's frame, its
 * approval: what it would change and why it asks, the question, the answer, then the last
 * lines of its output while it runs.
 *
 * @module
 */

import type { ApprovalRequest } from "../agent/approval.ts";
import type { AgentEvent } from "../agent/events.ts";
import type { PartVerdict, Verdict } from "../policy/mod.ts";
import type { SandboxInfo } from "../runtime/mod.ts";
import { counted } from "./counted.ts";
import { colorDiff, diffLines } from "./diff_colors.ts";
import { clipLine, displayWidth, frameBody, frameHead, shortenLines } from "./frame.ts";
import { LiveLines } from "./live_lines.ts";
import { MarkdownStream } from "./markdown.ts";
import { PullProgress } from "./progress_bar.ts";
import { reveal, sanitize, sanitizeEvent } from "./sanitize.ts";
import { Spinner } from "./spinner.ts";
import type { Style } from "./style.ts";
import type { SessionInfo, StepEnd, View } from "./view.ts";

/** Lines of a tool's output shown before and after the hidden middle. */
const HEAD_LINES = 10;
const TAIL_LINES = 5;
/** Lines of a diff shown before and after the hidden middle, when the user is asked. */
const DIFF_HEAD_LINES = 30;
const DIFF_TAIL_LINES = 10;
/** Reasons to ask shown with the question; `[e]xplain` shows them all. */
const ASKING_REASONS = 3;
/** Lines of a running command's output shown in its frame. */
const LIVE_LINES = 20;
/** Least time between two redraws of a running command's lines. */
const LIVE_REDRAW_MS = 50;

/** What the session says when commands run on the host. */
export const HOST_WARNING =
  "Commands run on this host, NOT isolated: they can read and change anything your user can.";

/** Where and how {@linkcode TerminalView} draws. */
export interface TerminalViewOptions {
  /** Writes to stdout: text, frames, spinner, progress. */
  out: (text: string) => void;
  /** Writes to stderr: notices and errors. */
  err: (text: string) => void;
  /** Colours of stdout. */
  style: Style;
  /** Colours of stderr. */
  errStyle: Style;
  /** True when stdout is a terminal: spinner, progress bar and redrawn lines. */
  live: boolean;
  /** Terminal width. Default 80. */
  columns?: number;
}

/**
 * Describes where commands run, in words, for the first line.
 *
 * @example
 * ```ts
 * import { describeSandbox } from "./terminal_view.ts";
 * console.log(describeSandbox({ kind: "local", os: "windows", shell: "cmd.exe" }));
 * // "this host (windows, cmd.exe)"
 * ```
 */
export function describeSandbox(sandbox: SandboxInfo): string {
  if (sandbox.kind === "local") return `this host (${sandbox.os}, ${sandbox.shell})`;
  // Copy mode is said, since files then come back only after each step; a mount is the usual.
  return `container ${sandbox.image}, ${sandbox.network ? "with network" : "no network"}` +
    (sandbox.sync === "copy" ? ", files copied (--sync copy)" : "");
}

/**
 * Renders a session for a person at a terminal (or, without colour and
 * animation, for a pipe or a log).
 */
export class TerminalView implements View {
  readonly #o: TerminalViewOptions;
  readonly #columns: number;
  readonly #spinner: Spinner;
  readonly #markdown: MarkdownStream;
  #pull: PullProgress | undefined;
  /** Live only: the pull bar's row is open (no newline yet). */
  #pullRow = false;
  /** Images already announced, when not live. */
  readonly #announced = new Set<string>();
  #streamed = false;
  #tokens = { prompt: 0, completion: 0 };
  /** Calls the approval policy or the user refused: their frame ends "not run". */
  readonly #notRun = new Set<string>();
  /** Live only: the running call's last lines, and how many rows of the screen they take. */
  #running:
    | {
      id: string;
      lines: LiveLines;
      rows: number;
      timer: ReturnType<typeof setTimeout> | undefined;
      dirty: boolean;
    }
    | undefined;

  /**
   * Creates a `TerminalView`.
   * @param options See {@linkcode TerminalViewOptions}.
   */
  constructor(options: TerminalViewOptions) {
    this.#o = options;
    this.#columns = options.columns ?? 80;
    this.#spinner = new Spinner({
      write: options.out,
      style: options.style,
      enabled: options.live,
    });
    this.#markdown = new MarkdownStream({
      style: options.style,
      write: options.out,
      columns: this.#columns,
    });
  }

  /** Prints the first line; on the host, with a warning that nothing is isolated. */
  session(info: SessionInfo): void {
    const s = this.#o.style;
    const workspace = info.temporaryWorkspace
      ? `${sanitize(info.workspace)} ${s.yellow("(temporary, removed at exit)")}`
      : sanitize(info.workspace);
    const dot = s.dim(" · ");
    this.#o.out(
      `${s.bold(`pygent ${info.version}`)}${dot}model ${s.cyan(sanitize(info.model))}${dot}` +
        `${sanitize(describeSandbox(info.sandbox))}${dot}workspace ${workspace}\n`,
    );
    if (info.sandbox.kind === "local") this.#o.out(s.yellow(`⚠ ${HOST_WARNING}`) + "\n");
    this.#o.out(s.dim("Type /help for the commands, /exit to leave.") + "\n");
  }

  /** Draws one event; its text is sanitized first, so it cannot drive the terminal. */
  event(untrusted: AgentEvent): void {
    const s = this.#o.style;
    // Sanitized line by line once whole: a `\r` redraw may span chunks.
    if (untrusted.type === "tool_output") return this.#output(untrusted);
    const event = sanitizeEvent(untrusted);
    switch (event.type) {
      case "request":
        this.#closeText();
        this.#spinner.start("Thinking");
        return;
      case "text":
        this.#spinner.stop();
        this.#endPullRow();
        this.#streamed = true;
        this.#markdown.push(event.delta);
        return;
      case "retry":
        this.#closeText();
        this.#o.err(this.#o.errStyle.yellow(
          `The reply broke off (${event.reason}); asking again (attempt ${event.attempt}).\n`,
        ));
        this.#spinner.start("Thinking");
        return;
      case "assistant":
        this.#spinner.stop();
        if (!this.#streamed && event.content) this.#markdown.push(event.content);
        this.#closeText();
        return;
      case "tool_call":
        this.#closeText();
        this.#o.out(toolHead(event.name, event.arguments, this.#columns, s));
        this.#spinner.start("Running");
        return;
      case "approval":
        this.#approval(event);
        return;
      case "tool_result":
        this.#spinner.stop();
        this.#eraseLive();
        this.#o.out(this.#toolBody(event));
        return;
      case "usage":
        this.#tokens.prompt += event.promptTokens;
        this.#tokens.completion += event.completionTokens;
        return;
      case "notice":
        this.#pause();
        this.#o.err(this.#o.errStyle.yellow(`! ${event.message}`) + "\n");
        return;
      case "pull":
        this.#pullProgress(event);
        return;
      case "error":
        this.#pause();
        this.#o.err(this.#o.errStyle.red(`pygent: ${event.message}`) + "\n");
        return;
      case "worktree":
        this.#pause();
        this.#o.out(worktreeLines(event, s));
        return;
      case "checkpoint":
        this.#pause();
        this.#o.out(
          s.dim(
            `✓ checkpoint ${event.commit.slice(0, 7)}: ${counted(event.files.length, "file")} ` +
              "changed",
          ) + "\n",
        );
        return;
    }
  }

  /**
   * Shows, in the call's frame (its head shows the command, every character of it, or the
   * file), what would change and why it asks: a file write's diff (coloured, every character
   * of it visible, a long one shortened), then the reason, or for a command line of several
   * parts, each part that asks and its reason. Stops the spinner; the `approval` event that
   * follows the answer starts it again if the call runs.
   */
  approvalRequest(request: ApprovalRequest): void {
    this.#pause();
    const s = this.#o.style;
    const diff = request.diff === undefined ? [] : this.#diffRows(request.diff);
    const why = this.#whyRows(request.verdict).map((row) => s.yellow(row));
    this.#o.out(this.#frameRows([...diff, ...why]));
  }

  /**
   * Shows the policy's verdict part by part, for `[e]xplain`: each simple command (each file
   * write, each construct no rule sees), its decision, and the rule or the reason that made it;
   * then what `[a]lways` would allow, or why it is not offered.
   */
  approvalExplain(request: ApprovalRequest): void {
    this.#pause();
    const s = this.#o.style;
    const width = this.#columns - 2;
    const rows = [s.bold("How the policy judged it, part by part:")];
    for (const part of request.verdict.parts) {
      const decision = DECISION_STYLE[part.decision](s)(part.decision.padEnd(6));
      rows.push(`  ${decision} ${s.cyan(clipLine(reveal(part.command), width - 9))}`);
      for (const row of wrapWords(reveal(part.reason), width - 9)) {
        rows.push(`         ${s.dim(row)}`);
      }
    }
    const always = request.always === undefined
      ? `[a]lways is not offered: ${notOfferedWhy(request.verdict)}, so only this call can be ` +
        "allowed."
      : `[a]lways would allow ${request.always} for the rest of this session.`;
    rows.push(...wrapWords(reveal(always), width));
    this.#o.out(this.#frameRows(rows));
  }

  /** Shows a line of the approval dialogue in the call's frame: a hint, what "always" allowed. */
  approvalNote(text: string): void {
    this.#pause();
    this.#o.out(this.#frameRows(wrapWords(reveal(text), this.#columns - 2)));
  }

  /**
   * The approval question as a row of the call's frame, for the prompt to show.
   *
   * @example
   * ```ts ignore
   * const answer = await prompt.ask(view.approvalQuestion("Run it? [y]es / [n]o "));
   * ```
   */
  approvalQuestion(question: string): string {
    return `${this.#o.style.dim("│")} ${reveal(question)}`;
  }

  /** Closes the step: stops the spinner, ends the text, and prints a dim summary. */
  stepEnd(end: StepEnd): void {
    this.#pause();
    const s = this.#o.style;
    const parts = [`${(end.durationMs / 1000).toFixed(1)} s`];
    const { prompt, completion } = this.#tokens;
    if (prompt + completion > 0) parts.push(`${prompt} tokens in, ${completion} out`);
    if (end.outcome === "cancelled") this.#o.out(s.yellow("Cancelled.") + "\n");
    if (this.#o.live) this.#o.out(s.dim(parts.join(" · ")) + "\n");
    this.#tokens = { prompt: 0, completion: 0 };
  }

  /** Prints a line of information (sanitized: it may name a file). */
  info(message: string): void {
    this.#pause();
    this.#o.out(`${sanitize(message)}\n`);
  }

  /** Prints a whole diff (`/diff`): every line, coloured on a terminal, sanitized. */
  diff(text: string): void {
    this.#pause();
    const lines = colorDiff(diffLines(text), this.#o.style, (line) => line);
    this.#o.out(lines.map((line) => line + "\n").join(""));
  }

  /** Prints an error in red on stderr, as `pygent: MESSAGE` (sanitized). */
  error(error: Error): void {
    this.#pause();
    this.#o.err(this.#o.errStyle.red(`pygent: ${sanitize(error.message)}`) + "\n");
  }

  /**
   * One line in the call's frame saying who allowed or refused it (dim, or red when refused);
   * the spinner goes on when the call runs.
   */
  #approval(event: Extract<AgentEvent, { type: "approval" }>): void {
    this.#pause();
    const s = this.#o.style;
    const refused = event.decision === "deny";
    if (refused) this.#notRun.add(event.id);
    const paint = refused ? s.red : s.dim;
    const rows = wrapWords(reveal(approvalLine(event)), this.#columns - 2);
    this.#o.out(rows.map((row) => `${paint("│")} ${paint(row)}\n`).join(""));
    if (!refused) this.#spinner.start("Running");
  }

  /** Rows inside the open frame, behind its rule. */
  #frameRows(rows: string[]): string {
    return rows.map((row) => `${this.#o.style.dim("│")} ${row}\n`).join("");
  }

  /**
   * A unified diff as frame rows: every character visible (a carriage return shows as `^M`:
   * nothing in what will be written can hide what follows it), a long one shortened, coloured:
   * added lines green, removed red, hunk heads cyan.
   */
  #diffRows(diff: string): string[] {
    const lines = shortenLines(diffLines(diff, "    "), DIFF_HEAD_LINES, DIFF_TAIL_LINES);
    return colorDiff(lines, this.#o.style, (line) => clipLine(line, this.#columns - 2));
  }

  /**
   * Why a call asks: the verdict's reason when every part asks for it; otherwise each reason
   * with the parts that ask for it (`"npm install lodash": on the host, every command…`).
   */
  #whyRows(verdict: Verdict): string[] {
    const width = this.#columns - 2;
    const byReason = new Map<string, string[]>();
    for (const part of verdict.parts.filter((part) => part.decision === "ask")) {
      byReason.set(part.reason, [...byReason.get(part.reason) ?? [], part.command]);
    }
    const [only] = byReason.values();
    if (byReason.size === 0 || (byReason.size === 1 && only.length === verdict.parts.length)) {
      return wrapWords(reveal(verdict.reason), width);
    }
    const rows = [...byReason].slice(0, ASKING_REASONS).flatMap(([reason, commands]) => {
      const named = commands.map((command) => JSON.stringify(clipLine(command, 40)));
      return wrapWords(reveal(`${named.join(", ")}: ${reason}`), width);
    });
    if (byReason.size > ASKING_REASONS) rows.push("…; [e]xplain shows every part.");
    return rows;
  }

  #toolBody(run: Extract<AgentEvent, { type: "tool_result" }>): string {
    const s = this.#o.style;
    if (this.#notRun.delete(run.id)) {
      // The approval line said why; the result the model got says the same to it.
      return frameBody([], s.red("not run"), true, s);
    }
    const failed = run.isError || run.timedOut === true;
    const lines = this.#bodyLines(
      run.exitCode === undefined ? run.content : shownOutput(run.content),
    );
    const status = run.exitCode === undefined
      ? `${failed ? s.red("failed") : s.green("done")} · ${seconds(run.durationMs)}`
      : footer(run.exitCode, run.timedOut === true, run.durationMs, s);
    return frameBody(lines, status, failed, s);
  }

  /** Output lines, shortened and clipped; what follows the bash tool's "[stderr]" is red. */
  #bodyLines(text: string): string[] {
    if (text.trim() === "") return [];
    const s = this.#o.style;
    const lines = text.replace(/\n$/, "").split("\n");
    let stderr = false;
    return shortenLines(lines, HEAD_LINES, TAIL_LINES).map((line) => {
      if (line === "[stderr]") {
        stderr = true;
        return s.dim(line);
      }
      const clipped = clipLine(line.replaceAll("\t", "    "), this.#columns - 2);
      return stderr ? s.red(clipped) : clipped;
    });
  }

  #pullProgress(event: Extract<AgentEvent, { type: "pull" }>): void {
    if (!this.#o.live) {
      if (!this.#announced.has(event.image)) this.#o.out(`Pulling ${event.image} …\n`);
      this.#announced.add(event.image);
      return;
    }
    this.#spinner.stop();
    this.#pull ??= new PullProgress(this.#o.style);
    this.#o.out(`\r\x1b[2K${this.#pull.update(event)}`);
    this.#pullRow = true;
  }

  /**
   * A piece of the running call's output: on a terminal, its last lines are drawn in the open
   * frame (redrawn at most every {@linkcode LIVE_REDRAW_MS}); elsewhere the final view shows it.
   */
  #output(event: Extract<AgentEvent, { type: "tool_output" }>): void {
    if (!this.#o.live) return;
    if (this.#running?.id !== event.id) {
      this.#freezeLive();
      this.#running = {
        id: event.id,
        lines: new LiveLines(LIVE_LINES),
        rows: 0,
        timer: undefined,
        dirty: false,
      };
    }
    const running = this.#running!;
    running.lines.push(event.stream, event.text);
    if (running.timer !== undefined) {
      running.dirty = true;
      return;
    }
    this.#drawLive();
    const tick = () => {
      if (this.#running !== running) return;
      if (!running.dirty) {
        running.timer = undefined;
        return;
      }
      this.#drawLive();
      running.timer = later(tick);
    };
    running.timer = later(tick);
  }

  /** Draws the running call's last lines over the ones drawn before, above the spinner. */
  #drawLive(): void {
    const running = this.#running;
    if (!running) return;
    running.dirty = false;
    const s = this.#o.style;
    const rows = running.lines.rows();
    const width = this.#columns - 2;
    const body = rows.map(({ stream, text }) => {
      const shown = clipWidth(text.replaceAll("\t", "    "), width);
      return `${s.dim("│")} ${stream === "stderr" ? s.red(shown) : shown}\n`;
    }).join("");
    this.#o.out(`\r\x1b[2K${upAndClear(running.rows)}${body}`);
    running.rows = rows.length;
  }

  /** Removes the running call's lines from the screen: its final view replaces them. */
  #eraseLive(): void {
    const running = this.#running;
    if (!running) return;
    clearTimeout(running.timer);
    this.#running = undefined;
    if (running.rows > 0) this.#o.out(`\r\x1b[2K${upAndClear(running.rows)}`);
  }

  /** Leaves the running call's lines on the screen as they are (something else is printed). */
  #freezeLive(): void {
    const running = this.#running;
    if (!running) return;
    clearTimeout(running.timer);
    if (running.dirty) this.#drawLive();
    this.#running = undefined;
  }

  /** Stops what animates and ends open text, so a whole line can be written. */
  #pause(): void {
    this.#spinner.stop();
    this.#freezeLive();
    this.#closeText();
  }

  #closeText(): void {
    this.#spinner.stop();
    this.#markdown.end();
    this.#streamed = false;
    this.#endPullRow();
  }

  #endPullRow(): void {
    if (this.#pullRow) this.#o.out("\n");
    this.#pullRow = false;
    this.#pull = undefined;
  }
}

/** How a decision is coloured in `[e]xplain`. */
const DECISION_STYLE: Record<PartVerdict["decision"], (s: Style) => (text: string) => string> = {
  allow: (s) => s.green,
  ask: (s) => s.yellow,
  deny: (s) => s.red,
};

/**
 * What an `approval` event says, in words: `allowed by rule "git status" in FILE`,
 * `denied by rule "git push" in FILE`, `allowed by you`, `declined by you`, or, when no one
 * could be asked, `not run: it needs approval and no one can answer here: REASON`.
 */
function approvalLine(event: Extract<AgentEvent, { type: "approval" }>): string {
  if (event.by === "user") return event.decision === "allow" ? "allowed by you" : "declined by you";
  if (event.decision === "deny" && event.by === "mode") {
    return `not run: it needs approval and no one can answer here: ${event.reason}`;
  }
  // The policy's reason names the rule and its file (`denied by rule "git push" in FILE`).
  return event.reason;
}

/**
 * Why no "always" rule can be offered: a part that asks which no allow rule would stop from
 * asking again (a command substitution, `eval`, a command an ask rule names...), and why.
 */
function notOfferedWhy(verdict: Verdict): string {
  const part = verdict.parts.find((part) =>
    part.decision === "ask" && part.kind !== "write" && part.alwaysRule === undefined
  );
  if (part === undefined) return "no allow rule would stop it from asking again";
  return `no allow rule would stop ${JSON.stringify(clipLine(part.command, 40))} from asking ` +
    `again (${part.reason})`;
}

/**
 * `text` in rows of at most `width` columns, broken at spaces; a word wider than a row is
 * broken where the row ends (see {@linkcode wrapRevealed}).
 */
function wrapWords(text: string, width: number): string[] {
  const rows: string[] = [];
  let row = "";
  for (const word of text.split(" ")) {
    const candidate = row === "" ? word : `${row} ${word}`;
    if (displayWidth(candidate) <= width) {
      row = candidate;
      continue;
    }
    if (row !== "") rows.push(row);
    const pieces = wrapRevealed(word, width);
    row = pieces.pop() ?? "";
    rows.push(...pieces);
  }
  rows.push(row);
  return rows;
}

/** A timer that does not keep the process alive, for the next redraw. */
function later(callback: () => void): ReturnType<typeof setTimeout> {
  const timer = setTimeout(callback, LIVE_REDRAW_MS);
  Deno.unrefTimer(timer);
  return timer;
}

/** Moves the cursor up `rows` rows, to the start of the row, and clears from there down. */
function upAndClear(rows: number): string {
  return rows > 0 ? `\x1b[${rows}A\r\x1b[J` : "";
}

/** Cuts `line` to `width` columns as {@linkcode displayWidth} counts them, ending it with "…". */
function clipWidth(line: string, width: number): string {
  if (displayWidth(line) <= width) return line;
  let out = "";
  let used = 0;
  for (const ch of line) {
    const cells = displayWidth(ch);
    if (used + cells > width - 1) break;
    out += ch;
    used += cells;
  }
  return `${out}…`;
}

/**
 * A command's output as the bash tool gave it to the model, without the lines the footer
 * and the notices already say ("[exit code N]", "[timed out …]", "[notice: …]").
 */
function shownOutput(content: string): string {
  return content.split("\n").filter((line) =>
    !/^\[(exit code -?\d+|timed out .*|notice: .*)\]$/.test(line)
  )
    .join("\n");
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function footer(exitCode: number, timedOut: boolean, durationMs: number, s: Style): string {
  if (timedOut) return s.red(`timed out · ${seconds(durationMs)}`);
  const code = exitCode === 0 ? s.green("exit 0") : s.red(`exit ${exitCode}`);
  return `${code} ${s.dim(`· ${seconds(durationMs)}`)}`;
}

/**
 * The head of a tool call's frame: its name, then the command or the file, every character of
 * them visible (`args` comes from {@linkcode sanitizeEvent}: exact, and safe as JSON text).
 * A command shows every line it has, each on a row of its own (see {@linkcode commandRows}).
 */
function toolHead(name: string, args: string, columns: number, s: Style): string {
  let parsed: Record<string, unknown> = {};
  try {
    const value = JSON.parse(args || "{}");
    if (typeof value === "object" && value !== null) parsed = value;
  } catch {
    // Shown raw below.
  }
  const text = (key: string) => typeof parsed[key] === "string" ? parsed[key] as string : undefined;
  const cmd = text("cmd");
  if (name === "bash" && cmd !== undefined) {
    const [first, ...more] = commandRows(cmd, columns, s);
    return frameHead(first, s) + more.map((row) => `${s.dim("│")}  ${row}\n`).join("");
  }
  const path = text("path");
  if (path !== undefined) return frameHead(`${s.bold(name)} ${s.cyan(reveal(path))}`, s);
  return frameHead(`${s.bold(name)} ${s.dim(clipLine(args, 60))}`, s);
}

/** Splits text into what a reader sees as one character (a letter with its accents). */
const GRAPHEMES = new Intl.Segmenter();

/**
 * A command as the rows of its frame's head, what runs and all of it: every line, each
 * character {@linkcode reveal}ed, the first after `$`, the next ones under it. A line wider
 * than the terminal is wrapped, never clipped: it goes on in rows marked `↪` where the `$`
 * stands, a column no line of the command can reach, so a wrapped part never reads as a
 * line of its own. A newline that ends the command ends its last line; it adds no row.
 */
function commandRows(cmd: string, columns: number, s: Style): string[] {
  // "╭─ $ " and "│  ↪ " take 5 columns.
  const width = Math.max(10, columns - 5);
  return cmd.replace(/\n$/, "").split("\n").flatMap((line, n) =>
    wrapRevealed(line, width).map((part, i) => {
      const lead = i > 0 ? s.dim("↪") : n === 0 ? s.bold("$") : " ";
      return `${lead} ${s.cyan(part)}`;
    })
  );
}

/**
 * `line`, {@linkcode reveal}ed, in rows of at most `width` columns, counting a character
 * beyond ASCII as two (it may be wide); an escape such as `^M` is never split.
 */
function wrapRevealed(line: string, width: number): string[] {
  const rows = [""];
  let used = 0;
  for (const { segment } of GRAPHEMES.segment(line)) {
    const shown = reveal(segment);
    const cells = displayWidth(shown);
    if (used > 0 && used + cells > width) {
      rows.push("");
      used = 0;
    }
    rows[rows.length - 1] += shown;
    used += cells;
  }
  return rows;
}

/** The lines that say where a worktree session works, and what it carried over. */
function worktreeLines(event: Extract<AgentEvent, { type: "worktree" }>, s: Style): string {
  const lines = [
    event.reattached
      ? `Working on branch ${s.cyan(event.branch)} again, in ${event.path}.`
      : `Working on a new branch ${s.cyan(event.branch)} in ${event.path}; your checkout ` +
        `(${event.repository}) is not touched.`,
  ];
  if (event.carried.length > 0) {
    const shown = event.carried.slice(0, CARRIED_SHOWN).join(", ");
    const more = event.carried.length > CARRIED_SHOWN
      ? ` and ${event.carried.length - CARRIED_SHOWN} more`
      : "";
    lines.push(
      `Carried over your uncommitted changes (${counted(event.carried.length, "file")}: ` +
        `${shown}${more}); they stay in your checkout too.`,
    );
  }
  return lines.map((line) => line + "\n").join("");
}

/** Files of the carried-over changes named in the first lines. */
const CARRIED_SHOWN = 5;
