// The session shell where an image has no bash: the same protocol in plain sh (dash), with
// the limits README states for it (issue 11).
import assert from "node:assert/strict";
import { createRuntime, type Runtime } from "../../lib/runtime/mod.ts";
import { dockerTest, TEST_IMAGE, withClient } from "../support/docker.ts";

/** Makes an image of the test image without bash; returns its id. */
async function imageWithoutBash(): Promise<string> {
  return await withClient(async (c) => {
    const id = await c.createContainer({
      Image: TEST_IMAGE,
      User: "0:0",
      Entrypoint: ["/bin/sh", "-c"],
      Cmd: ["rm -f /bin/bash /usr/bin/bash"],
      Labels: { "pygent.test": "sh-image" },
    });
    try {
      await c.startContainer(id);
      for (let look = 0; look < 100; look++) {
        if (!(await c.inspectContainer(id)).State.Running) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      return await c.commitContainer(id);
    } finally {
      await c.removeContainer(id);
    }
  });
}

dockerTest("in an image without bash, the session's shell is sh and works", async (t) => {
  const image = await imageWithoutBash();
  const session = async (fn: (rt: Runtime) => Promise<void>, pidsLimit?: number) => {
    const rt = await createRuntime({ docker: true, image, ...(pidsLimit ? { pidsLimit } : {}) });
    try {
      await fn(rt);
    } finally {
      await rt.cleanup();
    }
  };
  try {
    await t.step(
      "it runs commands in sh, and the directory and variables persist",
      () =>
        session(async (rt) => {
          await rt.bash("cd /tmp; X=1");
          const r = await rt.bash('pwd; echo "$X"; [ -z "$BASH_VERSION" ] && echo sh');
          assert.equal(r.stdout, "/tmp\n1\nsh\n");
          assert.equal(rt.sandbox.kind === "docker" && rt.sandbox.shell, "sh");
        }),
    );
    await t.step(
      "a timeout stops a loop that never leaves the shell, and the shell stays",
      () =>
        session(async (rt) => {
          await rt.bash("cd /tmp");
          const r = await rt.bash("while :; do :; done", { timeoutMs: 300 });
          assert.equal(r.timedOut, true);
          assert.equal((await rt.bash("pwd")).stdout, "/tmp\n");
        }),
    );
    await t.step(
      "`exit 7` returns 7 and the next command runs in a fresh shell",
      () =>
        session(async (rt) => {
          assert.equal((await rt.bash("exit 7")).exitCode, 7);
          const next = await rt.bash("echo back");
          assert.equal(next.stdout, "back\n");
          assert.match(next.notice ?? "", /fresh shell/);
        }),
    );
    await t.step(
      "`set -euf` and another IFS leave the protocol working",
      () =>
        session(async (rt) => {
          await rt.bash("set -euf; IFS=:");
          const r = await rt.bash("false || echo handled; sleep 0 & wait");
          assert.deepEqual([r.stdout, r.exitCode, r.timedOut], ["handled\n", 0, false]);
        }),
    );
    await t.step(
      "a fork bomb that returns at once leaves the next command able to fork",
      () =>
        session(async (rt) => {
          await rt.bash("b() { b | b & }; b");
          // sh gives up a fork that fails at once (bash retries for seconds), so the bomb burns
          // out at the limit by itself; what is left is swept by the next command's guard.
          await new Promise((r) => setTimeout(r, 1_000));
          const started = performance.now();
          const next = await rt.bash("echo survived", { timeoutMs: 20_000 });
          assert.equal(next.stdout, "survived\n");
          // On a starved CPU the last of the bomb may still hold the limit for a moment: sh's
          // guard has no settle loop (no `read -t`); the shell forks again within seconds.
          let forked = "";
          while (forked !== "forked\n" && performance.now() - started < 5_000) {
            forked = (await rt.bash("/bin/echo forked", { timeoutMs: 20_000 })).stdout;
          }
          assert.equal(forked, "forked\n");
          assert.ok(performance.now() - started < 5_000, `took ${performance.now() - started} ms`);
        }, 64),
    );
  } finally {
    await withClient((c) => c.removeImage(image, { force: true }));
  }
});
