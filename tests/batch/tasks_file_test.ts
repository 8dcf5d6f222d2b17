import assert from "node:assert/strict";
import { parseTasks, readTasksFile, TasksFileError } from "../../lib/batch/mod.ts";
import { gitRepository } from "../support/git_repository.ts";

/** The error a file's text is refused with. */
function refusal(lines: (string | object)[]): TasksFileError {
  const text = lines.map((line) => typeof line === "string" ? line : JSON.stringify(line))
    .join("\n");
  try {
    parseTasks(text, "tasks.jsonl", "/base");
  } catch (error) {
    assert.ok(error instanceof TasksFileError, String(error));
    return error;
  }
  assert.fail("the file was accepted");
}

Deno.test("parseTasks() reads each line as a task, paths from the file's folder", () => {
  const tasks = parseTasks(
    [
      JSON.stringify({ id: "a", prompt: "Fix it", workspace: "src", timeout: 60, max_steps: 3 }),
      "",
      JSON.stringify({ id: "b", prompt: "Test it", repo: "/r", ref: "v1", image: "alpine" }),
      JSON.stringify({ id: "c", prompt: "Start" }),
    ].join("\n"),
    "tasks.jsonl",
    "/base",
  );
  assert.deepEqual(tasks, [
    {
      id: "a",
      prompt: "Fix it",
      source: { kind: "workspace", path: "/base/src" },
      line: 1,
      timeout: 60,
      maxSteps: 3,
    },
    {
      id: "b",
      prompt: "Test it",
      source: { kind: "repo", path: "/r", ref: "v1", commit: "" },
      line: 3,
      image: "alpine",
    },
    { id: "c", prompt: "Start", source: { kind: "empty" }, line: 4 },
  ]);
});

Deno.test("parseTasks() refuses a line that is not JSON, naming its line", () => {
  const error = refusal([{ id: "a", prompt: "x" }, '{"id": "b", "prompt": ']);
  assert.equal(error.line, 2);
  assert.match(error.message, /^tasks\.jsonl line 2: is not JSON/);
});

Deno.test("parseTasks() refuses a missing prompt, naming the line and the field", () => {
  const error = refusal([{ id: "a", prompt: "x" }, { id: "b" }]);
  assert.deepEqual([error.line, error.field], [2, "prompt"]);
  assert.equal(error.message, 'tasks.jsonl line 2: "prompt" must be a non-empty string.');
});

Deno.test("parseTasks() refuses an id that cannot name a file", () => {
  const error = refusal([{ id: "../x", prompt: "x" }]);
  assert.deepEqual([error.line, error.field], [1, "id"]);
});

Deno.test("parseTasks() refuses an id given twice, naming both lines", () => {
  const error = refusal([{ id: "a", prompt: "x" }, { id: "a", prompt: "y" }]);
  assert.equal(error.line, 2);
  assert.match(error.message, /"a" is the id of line 1 too/);
});

Deno.test("parseTasks() refuses a field no task has", () => {
  const error = refusal([{ id: "a", prompt: "x", colour: 3 }]);
  assert.equal(error.field, "colour");
  assert.match(error.message, /"colour" is not a field of a task; use id, prompt, workspace, /);
});

Deno.test("parseTasks() suggests the nearest field for a misspelt one", () => {
  const error = refusal([{ id: "a", prompt: "x", max_step: 3 }]);
  assert.equal(
    error.message,
    'tasks.jsonl line 1: "max_step" is not a field of a task; did you mean "max_steps"?',
  );
});

Deno.test("parseTasks() refuses a timeout that is not a number of seconds above 0", () => {
  for (const timeout of [0, -1, "10"]) {
    assert.equal(refusal([{ id: "a", prompt: "x", timeout }]).field, "timeout");
  }
});

Deno.test("parseTasks() refuses max_steps that is not a whole number of at least 1", () => {
  for (const max_steps of [0, 1.5, "3"]) {
    assert.equal(refusal([{ id: "a", prompt: "x", max_steps }]).field, "max_steps");
  }
});

Deno.test("parseTasks() refuses both a workspace and a repo, and a ref without a repo", () => {
  assert.equal(refusal([{ id: "a", prompt: "x", workspace: "w", repo: "r" }]).field, "repo");
  assert.equal(refusal([{ id: "a", prompt: "x", ref: "main" }]).field, "ref");
});

Deno.test("parseTasks() refuses a file with no task", () => {
  assert.match(refusal(["", "  "]).message, /^tasks\.jsonl: holds no task/);
});

Deno.test("readTasksFile() refuses a workspace that is not a folder, naming its line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/tasks.jsonl`;
    await Deno.writeTextFile(
      file,
      `${JSON.stringify({ id: "a", prompt: "x" })}\n` +
        `${JSON.stringify({ id: "b", prompt: "x", workspace: "missing" })}\n`,
    );
    await assert.rejects(readTasksFile(file), (error: TasksFileError) => {
      assert.deepEqual([error.line, error.field], [2, "workspace"]);
      assert.match(error.message, new RegExp(`${dir}/missing: no such folder`));
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readTasksFile() resolves a repo's ref to its commit", async () => {
  await using repository = await gitRepository();
  const file = `${repository.root}/tasks.jsonl`;
  await Deno.writeTextFile(file, JSON.stringify({ id: "a", prompt: "x", repo: "repo" }) + "\n");
  const [task] = await readTasksFile(file);
  assert.deepEqual(task.source, {
    kind: "repo",
    path: repository.repo,
    ref: "HEAD",
    commit: await repository.git("rev-parse", "HEAD"),
  });
});

Deno.test("readTasksFile() refuses a ref the repo does not have, naming the field", async () => {
  await using repository = await gitRepository();
  const file = `${repository.root}/tasks.jsonl`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({ id: "a", prompt: "x", repo: "repo", ref: "no-such-branch" }) + "\n",
  );
  await assert.rejects(readTasksFile(file), (error: TasksFileError) => {
    assert.deepEqual([error.line, error.field], [1, "ref"]);
    assert.equal(
      error.message,
      `${file} line 1: "ref" names no commit: the repository ${repository.repo} has no commit ` +
        '"no-such-branch".',
    );
    return true;
  });
});

Deno.test("readTasksFile() refuses a repo that is not a git repository, saying so", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const file = `${dir}/tasks.jsonl`;
    await Deno.mkdir(`${dir}/plain`);
    await Deno.writeTextFile(file, JSON.stringify({ id: "a", prompt: "x", repo: "plain" }) + "\n");
    await assert.rejects(readTasksFile(file), (error: TasksFileError) => {
      assert.equal(
        error.message,
        `${file} line 1: "repo" ${dir}/plain is not a git repository.`,
      );
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readTasksFile() refuses a repo with no commit yet, naming the repo", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const file = `${dir}/tasks.jsonl`;
    await new Deno.Command("git", { args: ["init", "-q", `${dir}/empty`] }).output();
    await Deno.writeTextFile(file, JSON.stringify({ id: "a", prompt: "x", repo: "empty" }) + "\n");
    await assert.rejects(readTasksFile(file), (error: TasksFileError) => {
      assert.equal(
        error.message,
        `${file} line 1: "repo" ${dir}/empty has no commit yet: a task starts from one.`,
      );
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
