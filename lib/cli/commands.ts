/**
 * What one line typed in a session means: a message for the model, or one of
 * the session commands (`/help`, `/reset`, `/save FILE`, `/undo`, `/diff`, `/exit`,
 * `!COMMAND`).
 *
 * @module
 */

/** One input line, understood. */
export type SessionInput =
  | { kind: "message"; text: string }
  | { kind: "shell"; command: string }
  | { kind: "help" }
  | { kind: "reset" }
  | { kind: "save"; file: string }
  | { kind: "undo" }
  | { kind: "diff" }
  | { kind: "exit" }
  | { kind: "empty" }
  | { kind: "invalid"; message: string };

/** The text `/help` prints. */
export const SESSION_HELP =
  `Type a request and press Enter; the assistant runs commands in the sandbox.
  /help          this help
  /reset         start a new conversation (same sandbox, fresh shell)
  /save FILE     save the conversation as JSON (resume it with --load FILE)
  /undo          put the files back as they were before the last step (--worktree)
  /diff          show everything the session changed (--worktree)
  /exit          end the session (Ctrl-D too); the container is removed
  !COMMAND       run COMMAND in the sandbox yourself, without the model
Ctrl-C cancels a running step; Ctrl-C twice at an empty prompt exits.`;

/**
 * Reads one input line.
 *
 * @example
 * ```ts
 * import { parseInput } from "./commands.ts";
 * console.log(parseInput("/save chat.json")); // { kind: "save", file: "chat.json" }
 * console.log(parseInput("!ls -la")); // { kind: "shell", command: "ls -la" }
 * ```
 */
export function parseInput(line: string): SessionInput {
  const text = line.trim();
  if (text === "") return { kind: "empty" };
  if (text.startsWith("!")) {
    const command = text.slice(1).trim();
    return command
      ? { kind: "shell", command }
      : { kind: "invalid", message: "Give a command after !, e.g. !ls -la" };
  }
  const [name, ...rest] = text.split(/\s+/);
  // "/tmp/app.py fails" is a message; only "/word" is a command.
  if (!/^\/[a-z]+$/i.test(name)) return { kind: "message", text: line };
  const argument = text.slice(name.length).trim();
  switch (name) {
    case "/help":
      return { kind: "help" };
    case "/reset":
      return { kind: "reset" };
    case "/undo":
      return { kind: "undo" };
    case "/diff":
      return { kind: "diff" };
    case "/exit":
    case "/quit":
      return { kind: "exit" };
    case "/save":
      return rest.length > 0
        ? { kind: "save", file: argument }
        : { kind: "invalid", message: "Give a file name: /save FILE" };
    default:
      return { kind: "invalid", message: `Unknown command ${name}; /help lists the commands.` };
  }
}
