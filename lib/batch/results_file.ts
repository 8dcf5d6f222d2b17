/**
 * The results file: one JSON line per task that ended, appended as it ends, so a batch that is
 * stopped (Ctrl-C, a crash, a power cut) resumes where it was: the ids in the file are skipped.
 *
 * @module
 */

import type { Usage } from "../agent/mod.ts";
import { ResultsFileError } from "./errors.ts";

/** How a task ended. */
export type TaskOutcome = "done" | "failed" | "step_limit" | "timeout";

/** One line of the results file. */
export interface TaskResult {
  /** The task's id. */
  id: string;
  /** How it ended. */
  outcome: TaskOutcome;
  /** The engine it ran on last (`unix:///…`, `tcp://…`); null when none was left for it. */
  engine: string | null;
  /** Model requests made. */
  steps: number;
  /** Wall time of its last attempt, in ms. */
  durationMs: number;
  /** Tokens of its model requests. */
  usage: Usage;
  /** Why it failed or stopped. */
  error?: string;
  /** The diff file of its changes; absent when nothing changed. */
  diff?: string;
  /** The kept session of its conversation (`pygent --resume ID`). */
  session: string;
}

const encoder = new TextEncoder();

/**
 * Appends results to a file and knows which ids it holds.
 *
 * @example
 * ```ts ignore
 * import { ResultsFile } from "./results_file.ts";
 * const results = await ResultsFile.open("results.jsonl");
 * if (!results.has("task-1")) await results.append({ id: "task-1", outcome: "done", ... });
 * ```
 */
export class ResultsFile {
  /** The file. */
  readonly path: string;
  readonly #ids: Set<string>;
  /** Bytes of whole lines: a torn last line starts here, and is cut before the next append. */
  #end: number | undefined;
  /** The last line is whole but has no `\n`: the next append starts with one. */
  #unterminated: boolean;
  /** The append running, if any: appends go one at a time, or two could cut the same line. */
  #writing: Promise<void> = Promise.resolve();

  private constructor(
    path: string,
    ids: Set<string>,
    end: number | undefined,
    unterminated = false,
  ) {
    this.path = path;
    this.#ids = ids;
    this.#end = end;
    this.#unterminated = unterminated;
  }

  /**
   * Reads the ids already in the file (none when it does not exist). A last line cut short
   * (the process was stopped while writing it) does not count, and is cut off before the next
   * result is written.
   *
   * @throws {ResultsFileError} When a line before the last is not a result, or the file cannot
   * be read.
   */
  static async open(path: string): Promise<ResultsFile> {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(path);
    } catch (cause) {
      if (cause instanceof Deno.errors.NotFound) return new ResultsFile(path, new Set(), undefined);
      throw new ResultsFileError(`Cannot read the results file ${path}: ${String(cause)}`, {
        cause,
      });
    }
    const text = new TextDecoder().decode(bytes);
    const lines = text.split("\n");
    const ids = new Set<string>();
    let torn: number | undefined;
    for (const [index, line] of lines.entries()) {
      if (line.trim() === "") continue;
      const id = resultId(line);
      if (id !== undefined) {
        ids.add(id);
      } else if (index === lines.length - 1) {
        torn = encoder.encode(text.slice(0, text.length - line.length)).length;
      } else {
        throw new ResultsFileError(
          `${path} line ${index + 1} is not a result of pygent batch; give another --out, or ` +
            "mend or remove that line.",
        );
      }
    }
    const unterminated = torn === undefined && text !== "" && !text.endsWith("\n");
    return new ResultsFile(path, ids, torn, unterminated);
  }

  /** True when the file holds a result of task `id`. */
  has(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Appends a result as one line, written at once, after the appends before it. */
  append(result: TaskResult): Promise<void> {
    const written = this.#writing.then(() => this.#append(result));
    this.#writing = written.catch(() => {});
    return written;
  }

  async #append(result: TaskResult): Promise<void> {
    try {
      if (this.#end !== undefined) {
        await Deno.truncate(this.path, this.#end);
        this.#end = undefined;
      }
      const line = JSON.stringify(result) + "\n";
      await Deno.writeFile(this.path, encoder.encode(this.#unterminated ? `\n${line}` : line), {
        append: true,
      });
      this.#unterminated = false;
    } catch (cause) {
      throw new ResultsFileError(`Cannot write the results file ${this.path}: ${String(cause)}`, {
        cause,
      });
    }
    this.#ids.add(result.id);
  }
}

/** The id of a result line; undefined when the line is not one. */
function resultId(line: string): string | undefined {
  try {
    const value = JSON.parse(line);
    return typeof value?.id === "string" && typeof value?.outcome === "string"
      ? value.id
      : undefined;
  } catch {
    return undefined;
  }
}
