/**
 * The tasks file of `pygent batch`: one JSON object a line, every line checked before anything
 * runs, so a bad file is refused whole with the line and the field named.
 *
 * @module
 */

import path from "node:path";
import { nearest } from "../nearest.ts";
import { Git, GitCommandError } from "../worktree/mod.ts";
import { TasksFileError } from "./errors.ts";

/** One task, as checked: paths absolute. */
export interface BatchTask {
  /** Unique in the file; names its result and its diff file. */
  id: string;
  /** The one message the agent is given. */
  prompt: string;
  /**
   * Where its files come from: a folder copied, a repository cloned at a commit (`commit` is
   * filled in by {@linkcode readTasksFile}, which resolves `ref`; "" from `parseTasks` alone), or
   * nothing.
   */
  source:
    | { kind: "workspace"; path: string }
    | { kind: "repo"; path: string; ref: string; commit: string }
    | { kind: "empty" };
  /** The image, when not the settings' one. */
  image?: string;
  /** Seconds the whole task may take. */
  timeout?: number;
  /** Model requests allowed; reaching it ends the task as `step_limit`. */
  maxSteps?: number;
  /** Its line in the file, for messages. */
  line: number;
}

const FIELDS = ["id", "prompt", "workspace", "repo", "ref", "image", "timeout", "max_steps"];
/** An id is a file name too (`ID.diff`): letters, digits, `.`, `_` and `-`. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * Reads and checks a tasks file: every line a task (blank lines skipped), ids unique, each
 * `workspace` a folder, each `repo` a git repository whose `ref` (default `HEAD`) names a
 * commit. Relative paths start from the file's folder.
 *
 * @throws {TasksFileError} For the first line that is not a valid task, naming the field.
 *
 * @example
 * ```ts ignore
 * import { readTasksFile } from "./tasks_file.ts";
 * const tasks = await readTasksFile("tasks.jsonl");
 * console.log(tasks.map((task) => task.id));
 * ```
 */
export async function readTasksFile(file: string): Promise<BatchTask[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (cause) {
    throw new TasksFileError(file, undefined, undefined, `cannot be read (${errorText(cause)}).`, {
      cause,
    });
  }
  const tasks = parseTasks(text, file, path.dirname(path.resolve(file)));
  for (const task of tasks) await checkSource(task, file);
  return tasks;
}

/**
 * Parses the lines of a tasks file and checks each task's shape (not its folders).
 *
 * @throws {TasksFileError} For the first line that is not a valid task.
 *
 * @example
 * ```ts
 * import { parseTasks } from "./tasks_file.ts";
 * const [task] = parseTasks('{"id": "a", "prompt": "Say hi"}\n', "tasks.jsonl", "/tmp");
 * console.log(task.source); // { kind: "empty" }
 * ```
 */
export function parseTasks(text: string, file: string, baseDir: string): BatchTask[] {
  const tasks: BatchTask[] = [];
  const lineOf = new Map<string, number>();
  for (const [index, raw] of text.split("\n").entries()) {
    const line = index + 1;
    if (raw.trim() === "") continue;
    const fail = (field: string | undefined, problem: string): never => {
      throw new TasksFileError(file, line, field, problem);
    };
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (cause) {
      throw new TasksFileError(file, line, undefined, `is not JSON (${errorText(cause)}).`, {
        cause,
      });
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      fail(undefined, 'is not a JSON object; write {"id": "...", "prompt": "..."}.');
    }
    const fields = value as Record<string, unknown>;
    for (const name of Object.keys(fields)) {
      if (FIELDS.includes(name)) continue;
      const guess = nearest(name, FIELDS);
      fail(
        name,
        `is not a field of a task; ${
          guess === undefined
            ? `use ${FIELDS.join(", ")}.`
            : `did you mean ${JSON.stringify(guess)}?`
        }`,
      );
    }
    const { id, prompt, workspace, repo, ref, image, timeout, max_steps: maxSteps } = fields;
    if (typeof id !== "string" || !ID_PATTERN.test(id)) {
      fail(
        "id",
        `must be letters, digits, ".", "_" or "-" (it names the task's diff file); got ${
          JSON.stringify(id ?? null)
        }.`,
      );
    }
    const taskId = id as string;
    const earlier = lineOf.get(taskId);
    if (earlier !== undefined) {
      fail("id", `${JSON.stringify(taskId)} is the id of line ${earlier} too.`);
    }
    lineOf.set(taskId, line);
    if (typeof prompt !== "string" || !prompt.trim()) fail("prompt", "must be a non-empty string.");
    for (const [name, given] of [["workspace", workspace], ["repo", repo], ["ref", ref]] as const) {
      if (given !== undefined && (typeof given !== "string" || !given.trim())) {
        fail(name, "must be a non-empty string.");
      }
    }
    if (workspace !== undefined && repo !== undefined) {
      fail("repo", 'and "workspace" both give the files; give one of them.');
    }
    if (ref !== undefined && repo === undefined) fail("ref", 'needs a "repo" to be a ref of.');
    if (image !== undefined && (typeof image !== "string" || !image.trim())) {
      fail("image", "must be an image's name, such as python:3.12-slim.");
    }
    if (timeout !== undefined && (typeof timeout !== "number" || !(timeout > 0))) {
      fail("timeout", `must be a number of seconds above 0; got ${JSON.stringify(timeout)}.`);
    }
    if (
      maxSteps !== undefined &&
      (typeof maxSteps !== "number" || !Number.isSafeInteger(maxSteps) || maxSteps < 1)
    ) {
      fail("max_steps", `must be a whole number of at least 1; got ${JSON.stringify(maxSteps)}.`);
    }
    const source: BatchTask["source"] = typeof workspace === "string"
      ? { kind: "workspace", path: path.resolve(baseDir, workspace) }
      : typeof repo === "string"
      ? {
        kind: "repo",
        path: path.resolve(baseDir, repo),
        ref: typeof ref === "string" ? ref : "HEAD",
        commit: "",
      }
      : { kind: "empty" };
    tasks.push({
      id: taskId,
      prompt: prompt as string,
      source,
      line,
      ...(typeof image === "string" ? { image } : {}),
      ...(typeof timeout === "number" ? { timeout } : {}),
      ...(typeof maxSteps === "number" ? { maxSteps } : {}),
    });
  }
  if (tasks.length === 0) throw new TasksFileError(file, undefined, undefined, "holds no task.");
  return tasks;
}

/** Checks that a task's folder is there; resolves a repository's `ref` to its commit. */
async function checkSource(task: BatchTask, file: string): Promise<void> {
  const source = task.source;
  if (source.kind === "empty") return;
  const field = source.kind;
  const fail = (problem: string, cause?: unknown): never => {
    throw new TasksFileError(file, task.line, field, problem, { cause });
  };
  try {
    if (!(await Deno.stat(source.path)).isDirectory) fail(`${source.path} is not a folder.`);
  } catch (cause) {
    if (cause instanceof TasksFileError) throw cause;
    fail(`${source.path}: no such folder.`, cause);
  }
  if (source.kind !== "repo") return;
  const git = new Git({ cwd: source.path });
  try {
    source.commit = await git.text([
      "rev-parse",
      "--verify",
      "--quiet",
      "--end-of-options",
      `${source.ref}^{commit}`,
    ]);
  } catch (cause) {
    if (!(cause instanceof GitCommandError)) throw cause;
    // Which of the two the user has to fix: the folder, or the ref.
    const isRepository = await git.text(["rev-parse", "--git-dir"]).then(() => true, (error) => {
      if (error instanceof GitCommandError) return false;
      throw error;
    });
    if (!isRepository) fail(`${source.path} is not a git repository.`, cause);
    if (source.ref === "HEAD") {
      fail(`${source.path} has no commit yet: a task starts from one.`, cause);
    }
    throw new TasksFileError(
      file,
      task.line,
      "ref",
      `names no commit: the repository ${source.path} has no commit ${JSON.stringify(source.ref)}.`,
      { cause },
    );
  }
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\.$/, "");
}
