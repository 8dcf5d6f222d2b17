// runBatch() against the real engine and the scripted model server over HTTP: each task on its
// own copy, its result line and diff, N at a time, placed on the engine running the fewest, an
// engine that stops answering taken out (its tasks retried once elsewhere), and the timeout and
// step limit outcomes.
import assert from "node:assert/strict";
import { type PoolEngine, ResultsFile, ResultsFileError } from "../../lib/batch/mod.ts";
import { OWNER_LABEL } from "../../lib/runtime/mod.ts";
import { containersLabelled, dockerTest, withClient } from "../support/docker.ts";
import { EngineProxy } from "../support/engine_proxy.ts";
import { gitRepository } from "../support/git_repository.ts";
import { eventsOf, REAL_ENGINE, runTestBatch, tasksOf } from "./_batch.ts";

/** This process's containers (the batch runs in it). */
function ownContainers(): Promise<string[]> {
  return containersLabelled(OWNER_LABEL, `${Deno.hostname()}:${Deno.pid}`);
}

/** Every file under `dir` (`.git` included) and its bytes. */
async function snapshot(dir: string, prefix = ""): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for await (const entry of Deno.readDir(`${dir}/${prefix}`)) {
    const name = `${prefix}${entry.name}`;
    if (entry.isDirectory) {
      for (const [file, bytes] of await snapshot(dir, `${name}/`)) files.set(file, bytes);
    } else if (entry.isFile) {
      files.set(name, (await Deno.readFile(`${dir}/${name}`)).join(","));
    }
  }
  return files;
}

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-batch-test-" }));
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The pool's engine for the real engine reached through `proxy`, which a test can cut. */
function engineBehind(proxy: EngineProxy): PoolEngine {
  return { name: `unix://${proxy.path}`, endpoint: { transport: "unix", path: proxy.path } };
}

dockerTest(
  "runBatch() works on a clone of the repo at its ref; the original stays byte for byte",
  async () => {
    await using repository = await gitRepository();
    const first = await repository.git("rev-parse", "HEAD");
    await Deno.writeTextFile(`${repository.repo}/a.txt`, "two\n");
    await repository.git("commit", "-qam", "second");
    await Deno.writeTextFile(`${repository.repo}/dirty.txt`, "not committed\n");
    const before = await snapshot(repository.repo);
    const run = await runTestBatch(
      await tasksOf([
        {
          id: "old",
          prompt:
            "sh: test ! -e .git && test ! -e dirty.txt && cat a.txt > seen.txt && echo x >> a.txt",
          repo: repository.repo,
          ref: first,
        },
        { id: "new", prompt: "sh: cat a.txt > seen.txt", repo: repository.repo },
      ], repository.root),
      { dir: repository.root },
    );
    const outcomes = Object.fromEntries(run.summary.results.map((r) => [r.id, r.outcome]));
    assert.deepEqual(outcomes, { old: "done", new: "done" });
    const diff = (id: string) => Deno.readTextFile(`${run.diffs}/${id}.diff`);
    assert.match(await diff("old"), /\+\+\+ b\/seen\.txt\n@@ -0,0 \+1 @@\n\+one\n/);
    assert.match(await diff("old"), /--- a\/a\.txt\n\+\+\+ b\/a\.txt\n@@ -1 \+1,2 @@\n one\n\+x\n/);
    assert.match(await diff("new"), /\+\+\+ b\/seen\.txt\n@@ -0,0 \+1 @@\n\+two\n/);
    assert.deepEqual(await snapshot(repository.repo), before);
  },
);

dockerTest(
  "runBatch() writes a result line and a diff file per task, none when nothing changed",
  async () => {
    await inTempDir(async (dir) => {
      await Deno.mkdir(`${dir}/src`);
      await Deno.writeTextFile(`${dir}/src/keep.txt`, "kept\n");
      const run = await runTestBatch(
        await tasksOf([
          { id: "writes", prompt: "sh: echo new > made.txt && rm keep.txt", workspace: "src" },
          { id: "reads", prompt: "sh: cat keep.txt", workspace: "src" },
        ], dir),
        { dir },
      );
      const lines = (await Deno.readTextFile(run.results)).trim().split("\n").map((l) =>
        JSON.parse(l)
      );
      const byId = Object.fromEntries(lines.map((line) => [line.id, line]));
      assert.deepEqual(Object.keys(byId).sort(), ["reads", "writes"]);
      const writes = byId.writes;
      assert.deepEqual(
        { ...writes, durationMs: 0, session: "" },
        {
          id: "writes",
          outcome: "done",
          engine: REAL_ENGINE.name,
          steps: 2,
          durationMs: 0,
          usage: { promptTokens: 20, completionTokens: 10, totalTokens: 30 },
          diff: `${run.diffs}/writes.diff`,
          session: "",
        },
      );
      assert.ok(writes.durationMs > 0);
      assert.match(writes.session, /^\d{8}-\d{6}-[0-9a-f]{4}$/);
      const diff = await Deno.readTextFile(writes.diff);
      assert.match(diff, /new file mode 100644\n.*\n--- \/dev\/null\n\+\+\+ b\/made\.txt\n/);
      assert.match(diff, /deleted file mode 100644\n.*\n--- a\/keep\.txt\n/);
      assert.equal(byId.reads.diff, undefined);
      assert.deepEqual([...Deno.readDirSync(run.diffs)].map((entry) => entry.name), [
        "writes.diff",
      ]);
      assert.equal(await Deno.readTextFile(`${dir}/src/keep.txt`), "kept\n");
      assert.deepEqual(await ownContainers(), []);
    });
  },
);

dockerTest("runBatch() skips the tasks already in the results file", async () => {
  await inTempDir(async (dir) => {
    const tasks = await tasksOf(
      [{ id: "a", prompt: "sh: true" }, { id: "b", prompt: "sh: true" }],
      dir,
    );
    await runTestBatch(tasks.slice(0, 1), { dir });
    const run = await runTestBatch(tasks, { dir });
    assert.deepEqual(run.summary.results.map((result) => result.id), ["b"]);
    assert.equal(run.summary.skipped, 1);
    const results = await ResultsFile.open(run.results);
    assert.deepEqual([results.has("a"), results.has("b")], [true, true]);
  });
});

dockerTest("runBatch() runs N tasks at a time: their runs overlap", async () => {
  await inTempDir(async (dir) => {
    const tasks = await tasksOf(
      ["a", "b", "c", "d"].map((id) => ({ id, prompt: "sh: sleep 2" })),
      dir,
    );
    const run = await runTestBatch(tasks, { dir, parallel: 4 });
    const starts = eventsOf(run, "task_start").map((event) => event.at);
    const ends = eventsOf(run, "task_end").map((event) => event.at);
    assert.equal(ends.length, 4);
    // Every task started before the first one ended.
    assert.ok(Math.max(...starts) < Math.min(...ends), `${starts} / ${ends}`);
  });
});

dockerTest("runBatch() runs no more than N tasks at a time", async () => {
  await inTempDir(async (dir) => {
    const tasks = await tasksOf(["a", "b", "c"].map((id) => ({ id, prompt: "sh: true" })), dir);
    let running = 0;
    let most = 0;
    await runTestBatch(tasks, {
      dir,
      parallel: 2,
      onEvent: (event) => {
        if (event.type === "task_start") most = Math.max(most, ++running);
        if (event.type === "task_end") running--;
      },
    });
    assert.equal(most, 2);
  });
});

dockerTest("runBatch() places each task on the engine running the fewest", async () => {
  const proxy = await EngineProxy.start();
  const proxied = engineBehind(proxy);
  try {
    await inTempDir(async (dir) => {
      const tasks = await tasksOf(
        ["a", "b", "c", "d"].map((id) => ({ id, prompt: "sh: sleep 1" })),
        dir,
      );
      const run = await runTestBatch(tasks, { dir, engines: [REAL_ENGINE, proxied], parallel: 4 });
      const placed = eventsOf(run, "task_start").map((event) => event.engine);
      assert.deepEqual(placed, [REAL_ENGINE.name, proxied.name, REAL_ENGINE.name, proxied.name]);
      assert.deepEqual(
        run.summary.results.map((result) => result.outcome),
        ["done", "done", "done", "done"],
      );
    });
  } finally {
    proxy.close();
  }
});

/** Removes this process's containers left on an engine that was cut (the real one behind it). */
async function removeLeftovers(): Promise<void> {
  for (const id of await ownContainers()) {
    await withClient((client) => client.removeContainer(id, { force: true })).catch(() => {});
  }
}

dockerTest(
  "an engine that stops answering is taken out, and its task retried once on another",
  async () => {
    const proxy = await EngineProxy.start();
    const proxied = engineBehind(proxy);
    try {
      await inTempDir(async (dir) => {
        const tasks = await tasksOf([
          { id: "first", prompt: "sh: sleep 3 && echo ok > ran.txt" },
          { id: "second", prompt: "sh: sleep 3 && echo ok > ran.txt" },
        ], dir);
        let cut = false;
        const run = await runTestBatch(tasks, {
          dir,
          engines: [proxied, REAL_ENGINE],
          parallel: 2,
          onEvent: (event) => {
            // Once both run their command, the proxied engine goes away.
            if (event.type === "task_start" && event.id === "second" && !cut) {
              cut = true;
              waitForContainers(2).then(() => setTimeout(() => proxy.close(), 1000));
            }
          },
        });
        assert.deepEqual(
          eventsOf(run, "engine_removed").map((event) => event.engine),
          [proxied.name],
        );
        // Reported, so that the progress counts it as no longer running there.
        assert.deepEqual(
          eventsOf(run, "attempt_lost").map((event) => [event.id, event.engine]),
          [["first", proxied.name]],
        );
        const starts = eventsOf(run, "task_start").map((e) => [e.id, e.engine, e.attempt]);
        assert.deepEqual(starts, [
          ["first", proxied.name, 1],
          ["second", REAL_ENGINE.name, 1],
          ["first", REAL_ENGINE.name, 2],
        ]);
        const results = Object.fromEntries(run.summary.results.map((r) => [r.id, r]));
        assert.equal(results.first.outcome, "done");
        assert.equal(results.first.engine, REAL_ENGINE.name);
        assert.ok(results.first.diff);
        assert.equal(results.second.outcome, "done");
      });
    } finally {
      proxy.close();
      await removeLeftovers();
    }
  },
);

dockerTest(
  "an engine gone when its task starts is taken out saying what was tried, not a session's advice",
  async () => {
    await inTempDir(async (dir) => {
      const gone = `${dir}/gone.sock`;
      const tasks = await tasksOf([{ id: "a", prompt: "sh: true" }], dir);
      const run = await runTestBatch(tasks, {
        dir,
        engines: [
          { name: `unix://${gone}`, endpoint: { transport: "unix", path: gone } },
          REAL_ENGINE,
        ],
        parallel: 1,
      });
      const [removed] = eventsOf(run, "engine_removed");
      assert.match(removed?.reason ?? "", new RegExp(`^unix://${gone}: `));
      assert.doesNotMatch(removed?.reason ?? "", /--no-docker|Start Docker/);
      assert.deepEqual(run.summary.results.map((r) => [r.outcome, r.engine]), [
        ["done", REAL_ENGINE.name],
      ]);
    });
  },
);

dockerTest("tasks no engine is left for are not written, and reported as not run", async () => {
  const proxy = await EngineProxy.start();
  const proxied = engineBehind(proxy);
  try {
    await inTempDir(async (dir) => {
      const tasks = await tasksOf([
        { id: "a", prompt: "sh: sleep 3" },
        { id: "b", prompt: "sh: true" },
      ], dir);
      const run = await runTestBatch(tasks, {
        dir,
        engines: [proxied],
        parallel: 1,
        onEvent: (event) => {
          if (event.type === "task_start") {
            waitForContainers(1).then(() => setTimeout(() => proxy.close(), 1000));
          }
        },
      });
      assert.deepEqual(run.summary.results, []);
      assert.deepEqual(run.summary.notRun.map((task) => task.id), ["a", "b"]);
      for (const task of run.summary.notRun) {
        assert.match(task.error, /^No engine is left to run it: Lost the connection/);
      }
      assert.deepEqual(eventsOf(run, "task_not_run").map((event) => event.id), ["a", "b"]);
      assert.equal(eventsOf(run, "batch_end")[0].notRun, 2);
      const results = await ResultsFile.open(run.results);
      assert.deepEqual([results.has("a"), results.has("b")], [false, false]);
    });
  } finally {
    proxy.close();
    await removeLeftovers();
  }
});

dockerTest(
  "an engine that fails a call but answers a ping stays in, and the task is retried on it",
  async () => {
    const proxy = await EngineProxy.start();
    const proxied = engineBehind(proxy);
    // The engine makes the container, but its answer never comes: the call times out.
    proxy.loseCreateAnswers = true;
    try {
      await inTempDir(async (dir) => {
        const run = await runTestBatch(await tasksOf([{ id: "a", prompt: "sh: true" }], dir), {
          dir,
          engines: [proxied],
          runtimeOptions: { engineTimeoutMs: 2_000 },
          onEvent: (event) => {
            if (event.type === "task_start" && event.attempt === 2) proxy.loseCreateAnswers = false;
          },
        });
        assert.deepEqual(eventsOf(run, "engine_removed"), []);
        assert.deepEqual(
          eventsOf(run, "task_start").map((event) => [event.engine, event.attempt]),
          [[proxied.name, 1], [proxied.name, 2]],
        );
        assert.deepEqual(run.summary.results.map((r) => [r.id, r.outcome]), [["a", "done"]]);
      });
    } finally {
      proxy.close();
      await removeLeftovers();
    }
  },
);

dockerTest(
  "a task whose engine is lost after the model's last answer is retried, not written as done",
  async () => {
    const proxy = await EngineProxy.start();
    const proxied = engineBehind(proxy);
    try {
      await inTempDir(async (dir) => {
        const run = await runTestBatch(
          await tasksOf([{ id: "a", prompt: "sh: echo ok > ran.txt" }], dir),
          {
            dir,
            engines: [proxied, REAL_ENGINE],
            parallel: 1,
            // Copy mode: the changes come back by the sync after the step.
            runtimeOptions: { sync: "copy" },
            onRequest: (request) => {
              // The request of the model's last answer: the command ran, nothing came back yet.
              if (request.body.messages.some((message) => message.role === "tool")) proxy.close();
            },
          },
        );
        const [result] = run.summary.results;
        assert.deepEqual([result.outcome, result.engine], ["done", REAL_ENGINE.name]);
        assert.match(
          await Deno.readTextFile(result.diff!),
          /\+\+\+ b\/ran\.txt\n@@ -0,0 \+1 @@\n\+ok\n/,
        );
      });
    } finally {
      proxy.close();
      await removeLeftovers();
    }
  },
);

dockerTest("the agent's notices reach the batch's events, naming their task", async () => {
  await inTempDir(async (dir) => {
    const run = await runTestBatch(
      await tasksOf([{ id: "big", prompt: "sh: head -c 100000 /dev/zero > big.bin" }], dir),
      { dir, runtimeOptions: { sync: "copy", syncLimitBytes: 50_000 } },
    );
    const notices = eventsOf(run, "notice").map((event) => event.message);
    assert.ok(
      notices.some((notice) =>
        /^Task big: What the sandbox changed is .* over the copy mode limit/.test(notice)
      ),
      notices.join("\n"),
    );
  });
});

dockerTest("a task lost with its engine as the batch is cancelled is not written", async () => {
  const proxy = await EngineProxy.start();
  const proxied = engineBehind(proxy);
  const controller = new AbortController();
  try {
    await inTempDir(async (dir) => {
      const run = await runTestBatch(await tasksOf([{ id: "a", prompt: "sh: sleep 3" }], dir), {
        dir,
        engines: [proxied],
        signal: controller.signal,
        onEvent: (event) => {
          if (event.type === "task_start") {
            waitForContainers(1).then(() => setTimeout(() => proxy.close(), 1000));
          }
          // Ctrl-C comes while the lost attempt settles.
          if (event.type === "engine_removed") controller.abort();
        },
      });
      assert.equal(run.summary.cancelled, true);
      assert.deepEqual(run.summary.results, []);
      assert.equal((await ResultsFile.open(run.results)).has("a"), false);
    });
  } finally {
    proxy.close();
    await removeLeftovers();
  }
});

dockerTest(
  "a results file that cannot be written stops the batch, its running tasks removed",
  async () => {
    await inTempDir(async (dir) => {
      const tasks = await tasksOf([
        { id: "quick", prompt: "sh: true" },
        { id: "slow", prompt: "sh: sleep 60" },
      ], dir);
      const started = performance.now();
      await assert.rejects(
        runTestBatch(tasks, {
          dir,
          parallel: 2,
          // A folder where the results go: no line can be written.
          onEvent: (event) => {
            if (event.type === "batch_start") Deno.mkdirSync(event.results);
          },
        }),
        (error) =>
          error instanceof ResultsFileError && error.message.includes(`${dir}/results.jsonl`),
      );
      assert.ok(performance.now() - started < 30_000);
      assert.deepEqual(await ownContainers(), []);
    });
  },
);

dockerTest("without a given parallel, an engine taken out takes its share with it", async () => {
  await inTempDir(async (dir) => {
    const gone = `${dir}/gone.sock`;
    const tasks = await tasksOf(
      ["a", "b", "c", "d"].map((id) => ({ id, prompt: "sh: sleep 2" })),
      dir,
    );
    let running = 0;
    let most = 0;
    const run = await runTestBatch(tasks, {
      dir,
      engines: [
        { name: `unix://${gone}`, endpoint: { transport: "unix", path: gone } },
        REAL_ENGINE,
      ],
      onEvent: (event) => {
        if (event.type === "task_start" && event.engine === REAL_ENGINE.name) {
          most = Math.max(most, ++running);
        }
        if (event.type === "task_end") running--;
      },
    });
    assert.deepEqual(run.summary.results.map((r) => r.outcome), ["done", "done", "done", "done"]);
    assert.equal(most, 2);
  });
});

/** Waits until this process has `n` running containers. */
async function waitForContainers(n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await ownContainers()).length < n && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

dockerTest("a task that runs out of its timeout ends as timeout, its command stopped", async () => {
  await inTempDir(async (dir) => {
    const started = performance.now();
    const run = await runTestBatch(
      await tasksOf([{ id: "slow", prompt: "sh: sleep 60", timeout: 2 }], dir),
      { dir },
    );
    const [result] = run.summary.results;
    assert.equal(result.outcome, "timeout");
    assert.equal(result.error, "The task ran out of its 2 s.");
    assert.ok(performance.now() - started < 20_000);
    assert.deepEqual(await ownContainers(), []);
  });
});

dockerTest("a task that reaches its max_steps ends as step_limit", async () => {
  await inTempDir(async (dir) => {
    const run = await runTestBatch(
      await tasksOf([{ id: "busy", prompt: "loop: echo again", max_steps: 3 }], dir),
      { dir },
    );
    const [result] = run.summary.results;
    assert.equal(result.outcome, "step_limit");
    assert.equal(result.steps, 3);
  });
});
