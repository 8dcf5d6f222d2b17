/**
 * Writes a session as it goes: the file is made at the first message (a
 * session with no message leaves nothing), and each message is appended and
 * handed to the operating system as soon as it completes, so a killed process
 * loses nothing it had finished.
 *
 * @module
 */

import path from "node:path";
import type { ChatMessage } from "../agent/history.ts";
import { SessionError } from "./errors.ts";
import {
  SESSION_FORMAT,
  SESSION_FORMAT_VERSION,
  type SessionHeader,
  type SessionLine,
} from "./session_file.ts";
import { newSessionId, SESSION_FILE_EXTENSION } from "../session_id.ts";

/** What the header says, besides what the writer fills in. */
export type SessionHeaderInfo = Omit<
  SessionHeader,
  "type" | "format" | "version" | "id" | "started"
>;

/** Options of {@linkcode SessionWriter}. */
export interface SessionWriterOptions {
  /** The sessions folder; made (mode 0700) when missing. */
  dir: string;
  /** The header's facts: model, workspace, sandbox, the session resumed. */
  info: SessionHeaderInfo;
  /** The clock, for the id and the times. Default `new Date()`. */
  now?: () => Date;
  /**
   * The session's id, when it was chosen before the session began (it names a worktree's
   * branch). Default: a new one, from the clock.
   */
  id?: string;
}

const encoder = new TextEncoder();

/**
 * Appends a session's messages to its file, one JSON line each.
 *
 * @example
 * ```ts
 * import { SessionWriter } from "./session_writer.ts";
 * const dir = await Deno.makeTempDir();
 * const writer = new SessionWriter({
 *   dir,
 *   info: { pygent: "0", model: "m", workspace: null, sandbox: { kind: "host" } },
 * });
 * writer.append([{ role: "user", content: "hi" }]);
 * writer.close();
 * console.log(writer.file); // DIR/ID.jsonl
 * ```
 */
export class SessionWriter {
  /** The session's id. */
  readonly id: string;
  /** The session's file (it exists once a message was written). */
  readonly file: string;
  readonly #dir: string;
  readonly #info: SessionHeaderInfo;
  readonly #now: () => Date;
  readonly #started: Date;
  #handle: Deno.FsFile | undefined;
  /** How many messages of the conversation since the last reset are in the file. */
  #written = 0;
  #closed = false;

  /** Chooses the id; nothing is written yet. */
  constructor(options: SessionWriterOptions) {
    this.#dir = options.dir;
    this.#info = options.info;
    this.#now = options.now ?? (() => new Date());
    this.#started = this.#now();
    let id = options.id ?? newSessionId(this.#started);
    // Taken (several sessions in one millisecond): the next millisecond keeps the order.
    for (
      let ms = 1;
      options.id === undefined && exists(path.join(this.#dir, id + SESSION_FILE_EXTENSION));
      ms++
    ) {
      id = newSessionId(new Date(this.#started.getTime() + ms));
    }
    this.id = id;
    this.file = path.join(this.#dir, id + SESSION_FILE_EXTENSION);
  }

  /** How many messages of the conversation are in the file (since the last `reset`). */
  get written(): number {
    return this.#written;
  }

  /**
   * Appends messages that follow those written (e.g. `agent.messagesSince(writer.written)`).
   * Makes the file at the first one.
   *
   * @throws {SessionError} When the folder or the file cannot be written.
   */
  append(messages: readonly ChatMessage[]): void {
    if (this.#closed || messages.length === 0) return;
    const at = this.#now().toISOString();
    this.#append(messages.map((message): SessionLine => ({ type: "message", at, message })));
    this.#written += messages.length;
  }

  /** The user started a new conversation: the file says so, and the next messages follow. */
  reset(): void {
    if (this.#closed) return;
    if (this.#handle) this.#append([{ type: "reset", at: this.#now().toISOString() }]);
    this.#written = 0;
  }

  /** Closes the file; later calls write nothing. */
  close(): void {
    this.#closed = true;
    this.#handle?.close();
    this.#handle = undefined;
  }

  #append(lines: (SessionHeader | SessionLine)[]): void {
    try {
      this.#handle ??= this.#create();
      const text = lines.map((line) => JSON.stringify(line) + "\n").join("");
      // No buffering here: each completed message is in the operating system's hands at once.
      const bytes = encoder.encode(text);
      for (let done = 0; done < bytes.length;) {
        done += this.#handle.writeSync(bytes.subarray(done));
      }
    } catch (error) {
      this.close();
      if (error instanceof SessionError) throw error;
      throw new SessionError(
        `cannot write the session file ${this.file}: ${(error as Error).message}; ` +
          "check the folder's permissions, set XDG_DATA_HOME, or pass --no-history.",
        { cause: error },
      );
    }
  }

  #create(): Deno.FsFile {
    Deno.mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
    const handle = Deno.openSync(this.file, { write: true, createNew: true, mode: 0o600 });
    const header: SessionHeader = {
      type: "header",
      format: SESSION_FORMAT,
      version: SESSION_FORMAT_VERSION,
      id: this.id,
      started: this.#started.toISOString(),
      ...this.#info,
    };
    const bytes = encoder.encode(JSON.stringify(header) + "\n");
    for (let done = 0; done < bytes.length;) done += handle.writeSync(bytes.subarray(done));
    return handle;
  }
}

function exists(file: string): boolean {
  try {
    Deno.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}
