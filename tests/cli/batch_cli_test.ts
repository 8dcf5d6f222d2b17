// `pygent batch` as a process: bad input refused with exit 2 and nothing lost, refused on the
// host, a run that resumes, and Ctrl-C that removes every container and leaves a results file
// that resumes (issue 15 §4).
import assert from "node:assert/strict";
import type { BatchEvent } from "../../lib/batch/mod.ts";
import { dockerTest, TEST_IMAGE } from "../support/docker.ts";
import { EngineProxy } from "../support/engine_proxy.ts";
import { OpenAIServer } from "../support/openai_server.ts";
import { batchScript } from "../batch/_script.ts";
import {
  cliEnv,
  containersOf,
  MAIN,
  readUntil,
  runCli,
  runIntoHead,
  spawnCli,
  waitFor,
} from "./cli_process.ts";
import { noTmuxReason, Terminal } from "./tmux.ts";

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-batch-cli-" }));
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function writeTasks(dir: string, lines: object[]): Promise<string> {
  const file = `${dir}/tasks.jsonl`;
  await Deno.writeTextFile(file, lines.map((line) => JSON.stringify(line)).join("\n") + "\n");
  return file;
}

function events(stdout: string): BatchEvent[] {
  return stdout.split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

function resultLines(file: string): { id: string; outcome: string }[] {
  return Deno.readTextFileSync(file).split("\n").filter(Boolean).map((line) => JSON.parse(line));
}

Deno.test("pygent batch refuses a bad tasks file with exit 2, naming the line and field", async () => {
  await inTempDir(async (dir) => {
    const file = await writeTasks(dir, [{ id: "a", prompt: "x" }, {
      id: "b",
      prompt: "x",
      timeout: 0,
    }]);
    const { code, stdout, stderr } = await runCli(["batch", file, "--json"], {
      env: { OPENAI_API_KEY: "k" },
    });
    assert.equal(code, 2);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      `pygent batch: ${file} line 2: "timeout" must be a number of seconds above 0; got 0.\n`,
    );
    assert.deepEqual([...Deno.readDirSync(dir)].map((entry) => entry.name), ["tasks.jsonl"]);
  });
});

Deno.test("pygent batch refuses to run on the host (--no-docker) with exit 2", async () => {
  await inTempDir(async (dir) => {
    const file = await writeTasks(dir, [{ id: "a", prompt: "x" }]);
    const { code, stderr } = await runCli(["batch", file, "--no-docker"], {
      env: { OPENAI_API_KEY: "k" },
    });
    assert.equal(code, 2);
    assert.match(
      stderr,
      /^pygent batch: every task runs in a container, never on the host/,
    );
  });
});

Deno.test("pygent batch refuses to run with no engine answering, exit 1", async () => {
  await inTempDir(async (dir) => {
    const file = await writeTasks(dir, [{ id: "a", prompt: "x" }]);
    const { code, stderr } = await runCli(["batch", file], {
      env: { OPENAI_API_KEY: "k", DOCKER_HOST: `unix://${dir}/no-engine.sock` },
    });
    assert.equal(code, 1);
    assert.match(stderr, /runs its tasks in containers only, and no engine can be used/);
    assert.equal(Deno.statSync(file).isFile, true);
  });
});

Deno.test("an engine's cert_path that cannot be read is refused with exit 2, naming the engine and its setting", async () => {
  await inTempDir(async (dir) => {
    const file = await writeTasks(dir, [{ id: "a", prompt: "x" }]);
    await Deno.mkdir(`${dir}/xdg/pygent`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/xdg/pygent/config.toml`,
      `engines = [{ url = "tcp://127.0.0.1:2376", cert_path = "${dir}/no-certs" }]\n`,
    );
    const { code, stderr } = await runCli(["batch", file], {
      env: { OPENAI_API_KEY: "k", XDG_CONFIG_HOME: `${dir}/xdg`, HOME: dir },
    });
    assert.equal(code, 2);
    assert.match(
      stderr,
      new RegExp(
        `^pygent batch: TLS to tcp://127\\.0\\.0\\.1:2376: ${dir}/no-certs/ca\\.pem cannot be ` +
          "read .*; set cert_path of the engine tcp://127\\.0\\.0\\.1:2376 in " +
          "~/xdg/pygent/config\\.toml to the folder holding ca\\.pem, cert\\.pem and key\\.pem\n$",
      ),
    );
  });
});

dockerTest(
  "pygent batch exits 1 when a task is not done, and a second run skips the ids in --out",
  async () => {
    await using server = await OpenAIServer.start(batchScript);
    await inTempDir(async (dir) => {
      const file = await writeTasks(dir, [
        { id: "ok", prompt: "sh: echo hi > hi.txt" },
        { id: "limited", prompt: "loop: true", max_steps: 1 },
      ]);
      const out = `${dir}/out.jsonl`;
      const args = ["batch", file, "--json", "--out", out, "--image", TEST_IMAGE];
      const first = await runCli(args, { server });
      assert.equal(first.code, 1, first.stderr);
      assert.deepEqual(
        resultLines(out).map((line) => [line.id, line.outcome]).sort(),
        [["limited", "step_limit"], ["ok", "done"]],
      );
      assert.match(Deno.readTextFileSync(`${dir}/out.diffs/ok.diff`), /\+hi\n/);
      const requests = server.requests.length;
      await writeTasks(dir, [
        { id: "ok", prompt: "sh: echo hi > hi.txt" },
        { id: "limited", prompt: "loop: true", max_steps: 1 },
        { id: "more", prompt: "sh: true" },
      ]);
      const second = await runCli(args, { server });
      assert.equal(second.code, 0, second.stderr);
      const start = events(second.stdout).find((event) => event.type === "batch_start");
      assert.deepEqual(start && [start.tasks, start.skipped], [1, 2]);
      assert.equal(server.requests.length - requests, 2);
      const ids = resultLines(out).map((line) => line.id);
      assert.deepEqual([ids.slice(0, 2).sort(), ids[2], ids.length], [
        ["limited", "ok"],
        "more",
        3,
      ]);
    });
  },
);

dockerTest("Ctrl-C removes every container and leaves a results file that resumes", async () => {
  await using server = await OpenAIServer.start(batchScript);
  await inTempDir(async (dir) => {
    const file = await writeTasks(dir, [
      { id: "quick", prompt: "sh: true" },
      { id: "slow-1", prompt: "sh: sleep 60" },
      { id: "slow-2", prompt: "hang" },
    ]);
    const args = ["batch", file, "--json", "--parallel", "3", "--image", TEST_IMAGE];
    const child = spawnCli(args, { server });
    await readUntil(child, (line) => line.includes('"type":"task_end"'));
    await waitFor(
      "both slow tasks' containers",
      async () => (await containersOf(child.pid)).length === 2,
    );
    child.kill("SIGINT");
    const { code } = await child.status;
    await child.stderr.cancel();
    assert.equal(code, 130);
    assert.deepEqual(await containersOf(child.pid), []);
    const out = `${dir}/tasks.results.jsonl`;
    assert.deepEqual(resultLines(out).map((line) => [line.id, line.outcome]), [["quick", "done"]]);
    // Stopped while writing a line, too: the torn end does not count.
    await Deno.writeTextFile(out, '{"id":"slow-1","outc', { append: true });
    await writeTasks(dir, [
      { id: "quick", prompt: "sh: true" },
      { id: "slow-1", prompt: "sh: true" },
      { id: "slow-2", prompt: "sh: true" },
    ]);
    const again = await runCli(args, { server });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      resultLines(out).map((line) => line.id).sort(),
      ["quick", "slow-1", "slow-2"],
    );
  });
});

dockerTest(
  "when the reader of --json stops reading, the batch stops as after Ctrl-C, exit 141",
  async () => {
    await using server = await OpenAIServer.start(batchScript);
    await inTempDir(async (dir) => {
      const file = await writeTasks(dir, [
        { id: "slow-1", prompt: "sh: sleep 60" },
        { id: "slow-2", prompt: "sh: sleep 60" },
      ]);
      const { code, pid, stderr } = await runIntoHead(
        ["batch", file, "--json", "--image", TEST_IMAGE],
        { server },
      );
      assert.equal(code, 141, stderr);
      assert.equal(stderr, "");
      assert.deepEqual(await containersOf(pid), []);
    });
  },
);

dockerTest(
  "on a terminal, pygent batch shows done, running and failed tasks, and each engine's",
  async () => {
    if (noTmuxReason) return console.warn(`skipped: ${noTmuxReason}`);
    await using server = await OpenAIServer.start(batchScript);
    await inTempDir(async (dir) => {
      const file = await writeTasks(dir, [
        { id: "quick", prompt: "sh: true" },
        { id: "slow", prompt: "sh: sleep 4" },
        { id: "limited", prompt: "loop: true", max_steps: 1 },
      ]);
      await using terminal = await Terminal.start(
        [
          Deno.execPath(),
          "run",
          "-A",
          MAIN,
          "batch",
          file,
          "--parallel",
          "3",
          "--image",
          TEST_IMAGE,
        ],
        cliEnv({ server }),
        dir,
      );
      const screen = await terminal.waitFor(
        /\[[█░]{20}\] 2\/3 · 1 done · 1 running · 1 failed · unix:\/\/\/var\/run\/docker\.sock 1$/m,
      );
      assert.match(screen, /^3 tasks over 1 engine, 3 at a time\.$/m);
      assert.match(screen, /^quick: done$/m);
      assert.match(screen, /^limited: step_limit$/m);
      const end = await terminal.waitFor(/EXITED 1/);
      assert.match(end, /^slow: done$/m);
      assert.match(end, /^2 done, 1 not done in \d+\.\d s\.$/m);
    });
  },
);

dockerTest(
  "on a terminal, a batch whose tasks are all in the results file says so and how to rerun",
  async () => {
    if (noTmuxReason) return console.warn(`skipped: ${noTmuxReason}`);
    await using server = await OpenAIServer.start(batchScript);
    await inTempDir(async (dir) => {
      const file = await writeTasks(dir, [{ id: "quick", prompt: "sh: true" }]);
      const args = ["batch", file, "--image", TEST_IMAGE];
      assert.equal((await runCli(args, { server })).code, 0);
      await using terminal = await Terminal.start(
        [Deno.execPath(), "run", "-A", MAIN, ...args],
        cliEnv({ server }),
        dir,
      );
      const screen = await terminal.waitFor(/EXITED 0/);
      assert.match(
        screen,
        new RegExp(
          `^Nothing to run: every task is already in ${dir}/tasks\\.results\\.jsonl \\(delete ` +
            "it, or give another --out, to run them again\\)\\.",
          "m",
        ),
      );
    });
  },
);

dockerTest(
  "pygent batch --engines leaves out an engine that does not answer, with a notice",
  async () => {
    await using server = await OpenAIServer.start(batchScript);
    await inTempDir(async (dir) => {
      const file = await writeTasks(dir, [{ id: "a", prompt: "sh: true" }]);
      const gone = `unix://${dir}/gone.sock`;
      const { code, stdout, stderr } = await runCli(
        [
          "batch",
          file,
          "--json",
          "--image",
          TEST_IMAGE,
          "--engines",
          `${gone},unix:///var/run/docker.sock`,
        ],
        { server },
      );
      assert.equal(code, 0, stderr);
      const seen = events(stdout);
      const notice = seen.find((event) => event.type === "notice");
      assert.match(
        notice?.type === "notice" ? notice.message : "",
        new RegExp(`^The engine ${gone} does not answer`),
      );
      const start = seen.find((event) => event.type === "batch_start");
      assert.deepEqual(start?.type === "batch_start" && start.engines, [
        "unix:///var/run/docker.sock",
      ]);
      assert.deepEqual(resultLines(`${dir}/tasks.results.jsonl`).map((line) => line.outcome), [
        "done",
      ]);
    });
  },
);

dockerTest(
  "pygent batch exits 1 and writes no line for the tasks no engine is left for",
  async () => {
    const proxy = await EngineProxy.start();
    // The only engine goes away as the task's model is first asked.
    await using server = await OpenAIServer.start((request) => {
      proxy.close();
      return batchScript(request);
    });
    try {
      await inTempDir(async (dir) => {
        const file = await writeTasks(dir, [{ id: "a", prompt: "sh: true" }]);
        const { code, stdout, stderr } = await runCli(
          ["batch", file, "--json", "--image", TEST_IMAGE, "--engines", `unix://${proxy.path}`],
          { server },
        );
        assert.equal(code, 1, stderr + stdout);
        const notRun = events(stdout).filter((event) => event.type === "task_not_run");
        assert.deepEqual(notRun.map((event) => event.type === "task_not_run" && event.id), ["a"]);
        const results = `${dir}/tasks.results.jsonl`;
        assert.deepEqual(
          await Deno.readTextFile(results).catch(() => "").then((text) => text.trim()),
          "",
        );
      });
    } finally {
      proxy.close();
    }
  },
);

dockerTest(
  "on a terminal, a task lost with its engine no longer counts as running there",
  async () => {
    if (noTmuxReason) return console.warn(`skipped: ${noTmuxReason}`);
    const proxy = await EngineProxy.start();
    await using server = await OpenAIServer.start((request) => {
      proxy.close();
      return batchScript(request);
    });
    try {
      await inTempDir(async (dir) => {
        const file = await writeTasks(dir, [
          // Lost at once, then retried on the engine left, where it outlasts b.
          { id: "a", prompt: "sh: sleep 6" },
          { id: "b", prompt: "sh: sleep 2" },
        ]);
        const engines = `unix://${proxy.path},unix:///var/run/docker.sock`;
        await using terminal = await Terminal.start(
          [
            Deno.execPath(),
            "run",
            "-A",
            MAIN,
            "batch",
            file,
            "--parallel",
            "2",
            "--image",
            TEST_IMAGE,
            "--engines",
            engines,
          ],
          cliEnv({ server }),
          dir,
        );
        // b is done: only a's retry runs (the bar is cut at 120 columns, before the engines).
        await terminal.waitFor(/\] 1\/2 · 1 done · 1 running · 0 failed/);
        await terminal.waitFor(/EXITED 0/);
      });
    } finally {
      proxy.close();
    }
  },
);
