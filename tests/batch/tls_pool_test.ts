// A pool of two engines, one of them remote as far as Pygent can tell (a second dockerd on
// tcp://127.0.0.1 with --tlsverify): the TLS engine's own cert_path wins over DOCKER_CERT_PATH,
// and its task runs in copy mode, its changes brought back for the diff.
import assert from "node:assert/strict";
import { findEngines } from "../../lib/batch/mod.ts";
import { envOf, tlsEngine, tlsEngineTest } from "../support/tls_engine.ts";
import { eventsOf, REAL_ENGINE, runTestBatch, tasksOf } from "./_batch.ts";

tlsEngineTest(
  "a pool of the local engine and a TLS one runs a task on each, each with its own TLS",
  async () => {
    const remote = await tlsEngine();
    const notices: string[] = [];
    // The shared variables name certificates the TLS engine refuses: only its own cert_path works.
    const getEnv = envOf({ DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: remote.certs.foreignClient });
    const engines = await findEngines(
      [{ url: REAL_ENGINE.name }, { url: remote.host, certPath: remote.certPath }],
      getEnv,
      (message) => notices.push(message),
    );
    assert.deepEqual(notices, []);
    assert.deepEqual(engines.map((engine) => engine.name), [REAL_ENGINE.name, remote.host]);
    const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pygent-batch-tls-" }));
    try {
      const tasks = await tasksOf(
        ["a", "b"].map((id) => ({ id, prompt: "sh: sleep 1 && echo made > made.txt" })),
        dir,
      );
      const run = await runTestBatch(tasks, { dir, engines, parallel: 2 });
      assert.deepEqual(
        eventsOf(run, "task_start").map((event) => event.engine),
        [REAL_ENGINE.name, remote.host],
      );
      for (const result of run.summary.results) {
        assert.equal(result.outcome, "done", result.error);
        assert.match(
          await Deno.readTextFile(result.diff!),
          /\+\+\+ b\/made\.txt\n@@ -0,0 \+1 @@\n\+made\n/,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
