/**
 * The interactive approval: before a tool call the policy says needs approval, the call's
 * frame shows what would run or change and why it asks, and the user answers
 * `Run it? [y]es / [n]o / [a]lways this session / [e]xplain`. `n` can carry a reason for the
 * model; `a` allows that command prefix (or every file write) for the rest of the session and
 * says how to allow it for good in the config file. Ctrl-C or Ctrl-D at the question cancels
 * the step, as Ctrl-C does while a command runs.
 *
 * @module
 */

import type { ApprovalAnswer, ApprovalRequest, Approver } from "../agent/approval.ts";

/** What the approver draws with, in the frame of the call that asks: a `TerminalView`. */
export interface ApprovalScreen {
  /** Shows what the call would change and why it asks. */
  approvalRequest(request: ApprovalRequest): void;
  /** Shows the policy's verdict part by part, and what `[a]lways` would allow. */
  approvalExplain(request: ApprovalRequest): void;
  /** Shows a line of the dialogue: a hint, what "always" allowed. */
  approvalNote(text: string): void;
  /** The question as the prompt shows it, a row of the call's frame. */
  approvalQuestion(question: string): string;
}

/** What the approver reads answers with: a `Prompt`. */
export interface ApprovalInput {
  /**
   * Shows `question` while the step runs and resolves to the line typed, or to undefined when
   * the user pressed Ctrl-C or Ctrl-D, or `signal` aborted.
   */
  ask(question: string, signal?: AbortSignal): Promise<string | undefined>;
}

/** Options of {@linkcode createApprover}. */
export interface ApproverOptions {
  /** Where the request, the explanation and the notes are drawn. */
  view: ApprovalScreen;
  /** Where the answers are read. */
  prompt: ApprovalInput;
  /** The user's config file as the user knows it (`~/.config/pygent/config.toml`), for the advice. */
  userConfigFile: string;
  /**
   * Cancels the running step, as Ctrl-C does while a command runs (`Supervisor.cancel`); it is
   * expected to abort the signal the approver was given.
   */
  cancel: () => void;
}

/** One reading of what the user typed at the question. */
type Reply =
  | { kind: "allow" | "always" | "explain" }
  | { kind: "deny"; reason?: string }
  | { kind: "unknown" };

/**
 * An {@linkcode Approver} that asks the user at the terminal.
 *
 * The question loops until it gets an answer: the first letter decides, in any case (`y`,
 * `Yes`, `n`, `a`, `e`); `n` alone asks for a reason for the model (Enter for none), `n REASON`
 * gives it inline; `e` explains and asks again; anything else asks again with a hint. `[a]` is
 * offered only when the request says what "always" would allow (`request.always`).
 *
 * Ctrl-C or Ctrl-D at the question calls `cancel`, then waits for the signal to abort and
 * rejects with its reason, so the agent sees a cancelled step, not an error. Without a signal,
 * a cancelled question is answered `"deny"`.
 *
 * @example
 * ```ts ignore
 * const approve = createApprover({
 *   view, // the session's TerminalView
 *   prompt, // the session's Prompt
 *   userConfigFile: "~/.config/pygent/config.toml",
 *   cancel: () => supervisor.cancel(),
 * });
 * const agent = new Agent({ approval: { mode: "auto" }, approve, onEvent });
 * ```
 */
export function createApprover(options: ApproverOptions): Approver {
  const { view, prompt } = options;
  return async (request, signal) => {
    signal?.throwIfAborted();
    const canAlways = request.always !== undefined;
    const question = `Run it? [y]es / [n]o / ${canAlways ? "[a]lways this session / " : ""}` +
      "[e]xplain ";
    view.approvalRequest(request);
    while (true) {
      const line = await prompt.ask(view.approvalQuestion(question), signal);
      if (line === undefined) return await cancelled(options, signal);
      const reply = readReply(line);
      switch (reply.kind) {
        case "allow":
          return "allow";
        case "always":
          if (!canAlways) {
            view.approvalNote(
              "[a]lways is not offered for this call ([e]xplain says why); answer y or n.",
            );
            continue;
          }
          for (const note of alwaysNotes(request, options.userConfigFile)) view.approvalNote(note);
          return "always";
        case "deny": {
          if (reply.reason !== undefined) return denial(reply.reason);
          const reason = await prompt.ask(
            view.approvalQuestion("Reason for the model (Enter for none): "),
            signal,
          );
          if (reason === undefined) return await cancelled(options, signal);
          return denial(reason);
        }
        case "explain":
          view.approvalExplain(request);
          continue;
        case "unknown":
          view.approvalNote(
            `Answer y to run it, n not to (n REASON tells the model why), ` +
              (canAlways ? `a to allow ${request.always} for this session, ` : "") +
              "or e to see why it asks.",
          );
          continue;
      }
    }
  };
}

/**
 * Reads an answer: `y`/`yes`, `a`/`always`, `e`/`explain`, `n`/`no` (any case), and after `n`
 * or `no` the rest of the line is a reason. Anything else ("abort", "yikes, no") is asked again:
 * an answer that runs a command is never guessed.
 */
function readReply(line: string): Reply {
  const text = line.trim();
  const [word] = text.split(/[\s:,;.]/, 1);
  switch (word.toLowerCase()) {
    case "y":
    case "yes":
      return text === word ? { kind: "allow" } : { kind: "unknown" };
    case "a":
    case "always":
      return text === word ? { kind: "always" } : { kind: "unknown" };
    case "e":
    case "explain":
      return { kind: "explain" };
    case "n":
    case "no": {
      // "n", "no": no reason yet; "n use the fixtures", "no: not now": a reason.
      const reason = text.slice(word.length).replace(/^[\s:,;.-]+/, "");
      return reason === "" ? { kind: "deny" } : { kind: "deny", reason };
    }
    default:
      return { kind: "unknown" };
  }
}

function denial(reason: string): ApprovalAnswer {
  const trimmed = reason.trim();
  return trimmed === "" ? "deny" : { deny: trimmed };
}

/** What "always" allowed, and how to allow it in every session. */
function alwaysNotes(request: ApprovalRequest, userConfigFile: string): string[] {
  const notes = [`Allowed for the rest of this session: ${request.always}.`];
  // A file write's "always" allows every write; the rules naming the file tools come closest.
  const rules = request.command === undefined ? ["write_file", "edit_file"] : request.alwaysRules;
  if (rules.length > 0) {
    const list = rules.map((rule) => JSON.stringify(rule)).join(", ");
    notes.push(
      `To allow it in every session, add ${list} to the allow list under [rules] in ` +
        `${userConfigFile} (allow = [${list}] if it has none).`,
    );
  }
  return notes;
}

/**
 * The user left the question with Ctrl-C or Ctrl-D: cancel the step, and wait for its signal,
 * so the agent sees the cancel (its reason), not an error of the approver's.
 */
function cancelled(
  options: ApproverOptions,
  signal: AbortSignal | undefined,
): Promise<ApprovalAnswer> {
  if (signal === undefined) {
    options.cancel();
    return Promise.resolve("deny");
  }
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    options.cancel();
  });
}
